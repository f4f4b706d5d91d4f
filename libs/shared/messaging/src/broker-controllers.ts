import { applyDecorators, Controller, UseFilters, UseInterceptors } from '@nestjs/common';
import { BrokerCorrelationInterceptor } from './correlation.interceptor.js';
import { EventAckInterceptor } from './event-ack.interceptor.js';
import { RpcAccessLogInterceptor } from './rpc-access-log.interceptor.js';
import { RpcFailureFilter } from './rpc-exception.filter.js';

/**
 * A service's broker interface for requests (`@Rpc` handlers): the caller's correlation id is
 * continued, each message gets an access log line, and every exception becomes an `RpcFailure`
 * reply in one place. Interceptors run outermost first: the correlation id is set before the log.
 */
export function RpcController(): ClassDecorator {
  return applyDecorators(
    Controller(),
    UseFilters(RpcFailureFilter),
    UseInterceptors(BrokerCorrelationInterceptor, RpcAccessLogInterceptor),
  );
}

/**
 * A service's consumer of other services' events (`@OnEvent` handlers): the correlation id of the
 * write that caused the event is continued, and each event is acknowledged once handled.
 */
export function EventController(): ClassDecorator {
  return applyDecorators(
    Controller(),
    UseInterceptors(BrokerCorrelationInterceptor, EventAckInterceptor),
  );
}
