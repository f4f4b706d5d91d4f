import { applyDecorators, Controller, UseFilters, UseInterceptors } from '@nestjs/common';
import { EventAckInterceptor } from './event-ack.interceptor.js';
import { RpcFailureFilter } from './rpc-exception.filter.js';

/**
 * A service's broker interface for requests (`@Rpc` handlers): every exception becomes an
 * `RpcFailure` reply in one place. The trace context, and with it the logs' trace id, arrives
 * with each message (OpenTelemetry's amqplib instrumentation); the service defaults log a line
 * per message.
 */
export function RpcController(): ClassDecorator {
  return applyDecorators(Controller(), UseFilters(RpcFailureFilter));
}

/**
 * A service's consumer of other services' events (`@OnEvent` handlers): each event is acknowledged
 * once it has been handled.
 */
export function EventController(): ClassDecorator {
  return applyDecorators(Controller(), UseInterceptors(EventAckInterceptor));
}
