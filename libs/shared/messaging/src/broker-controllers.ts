import { applyDecorators, Controller, UseFilters } from '@nestjs/common';
import { EventFailureFilter } from './event-failure.filter.js';
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
 * once it has been handled; a failure reaches the events consumer as it was thrown, to be retried
 * or dead-lettered (`EventConsumerServer`).
 */
export function EventController(): ClassDecorator {
  return applyDecorators(Controller(), UseFilters(EventFailureFilter));
}
