import type { CustomStrategy } from '@nestjs/microservices';
import { defaultEventRetryPolicy } from '@capstone/contracts';
import { EventConsumerServer } from './event-consumer-server.js';
import { eventConsumerOptions } from './rmq-options.js';

/**
 * Names the broker server that consumes other services' events. Every server in a Nest app
 * registers every handler it is not told to skip; tagging event handlers with this id
 * (`@EventPattern(name, EVENT_CONSUMER)`) and RPC handlers with `Transport.RMQ` keeps the two apart,
 * so the events queue is bound to event names only and the RPC queue answers requests only.
 */
export const EVENT_CONSUMER = Symbol('event-consumer');

/** What the events consumer reads from a service's configuration; unset settings take their defaults. */
export interface EventConsumerConfig {
  readonly AMQP_URL: string;
  readonly EVENT_MAX_ATTEMPTS?: number;
  readonly EVENT_RETRY_DELAY_MS?: number;
  readonly EVENT_HANDLER_TIMEOUT_MS?: number;
}

/**
 * The server for a service's events queue (`EventConsumerServer`): bound to `capstone.events`
 * once per `@OnEvent` event, as the broker topology binds it, with bounded retries and a
 * dead-letter queue.
 */
export function eventConsumer(
  config: EventConsumerConfig,
  queue: string,
): CustomStrategy & { strategy: EventConsumerServer } {
  const server = new EventConsumerServer(
    eventConsumerOptions(config.AMQP_URL, queue).options ?? {},
    {
      maxAttempts: config.EVENT_MAX_ATTEMPTS ?? defaultEventRetryPolicy.maxAttempts,
      retryDelayMs: config.EVENT_RETRY_DELAY_MS ?? defaultEventRetryPolicy.retryDelayMs,
      handlerTimeoutMs: config.EVENT_HANDLER_TIMEOUT_MS ?? defaultEventRetryPolicy.handlerTimeoutMs,
    },
  );
  server.setTransportId(EVENT_CONSUMER);
  return { strategy: server };
}
