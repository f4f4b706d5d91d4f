import { ServerRMQ, type CustomStrategy } from '@nestjs/microservices';
import { BLOG_EVENTS_QUEUE } from '@capstone/contracts';
import { eventConsumerOptions } from '@capstone/messaging';

/**
 * Names the broker server that consumes other services' events. Every server in a Nest app
 * registers every handler it is not told to skip; tagging the event handlers with this id and the
 * RPC handlers with `Transport.RMQ` keeps the two apart, so the events queue is bound to the
 * event names only and the RPC queue answers requests only.
 */
export const EVENT_CONSUMER = Symbol('blog-event-consumer');

/** The server for `blog.events`: bound to `capstone.events` once per `@EventPattern`, acks manually. */
export function eventConsumer(amqpUrl: string): CustomStrategy {
  const { options } = eventConsumerOptions(amqpUrl, BLOG_EVENTS_QUEUE);
  const server = new ServerRMQ(options ?? {});
  server.setTransportId(EVENT_CONSUMER);
  return { strategy: server };
}
