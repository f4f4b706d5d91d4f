import type { CustomStrategy } from '@nestjs/microservices';
import { eventConsumerOptions } from './rmq-options.js';
import { RmqServer } from './rmq-server.js';

/**
 * Names the broker server that consumes other services' events. Every server in a Nest app
 * registers every handler it is not told to skip; tagging event handlers with this id
 * (`@EventPattern(name, EVENT_CONSUMER)`) and RPC handlers with `Transport.RMQ` keeps the two apart,
 * so the events queue is bound to event names only and the RPC queue answers requests only.
 */
export const EVENT_CONSUMER = Symbol('event-consumer');

/** The server for a service's events queue: bound to `capstone.events` once per `@EventPattern`, acks manually. */
export function eventConsumer(
  amqpUrl: string,
  queue: string,
): CustomStrategy & { strategy: RmqServer } {
  const { options } = eventConsumerOptions(amqpUrl, queue);
  const server = new RmqServer(options ?? {});
  server.setTransportId(EVENT_CONSUMER);
  return { strategy: server };
}
