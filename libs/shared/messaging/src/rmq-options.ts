import { Transport, type RmqOptions } from '@nestjs/microservices';
import { EVENTS_EXCHANGE } from '@capstone/contracts';
import { durableQueue } from './broker-topology.js';

/**
 * Options for a service that answers requests on its own durable queue. Each request is
 * acknowledged once answered (`RmqServer`), so the prefetch bounds the work in hand; the rest
 * waits in the queue, where another replica can take it.
 */
export function rpcServerOptions(amqpUrl: string, queue: string): RmqOptions {
  return consumerOf(amqpUrl, queue, { noAck: false });
}

/** A consumer of its own durable queue, taking at most 20 messages at a time. */
function consumerOf(amqpUrl: string, queue: string, options: RmqOptions['options']): RmqOptions {
  return {
    transport: Transport.RMQ,
    options: {
      urls: [amqpUrl],
      queue,
      queueOptions: durableQueue,
      prefetchCount: 20,
      ...options,
    },
  };
}

/**
 * Options for a service that consumes published events: its own durable queue, bound to the
 * shared topic exchange with one binding per `@EventPattern` it handles.
 */
export function eventConsumerOptions(amqpUrl: string, queue: string): RmqOptions {
  return consumerOf(amqpUrl, queue, {
    exchange: EVENTS_EXCHANGE,
    exchangeType: 'topic',
    wildcards: true,
    noAck: false,
  });
}

export function rpcClientOptions(amqpUrl: string, queue: string): RmqOptions {
  return {
    transport: Transport.RMQ,
    options: { urls: [amqpUrl], queue, queueOptions: durableQueue, persistent: true },
  };
}
