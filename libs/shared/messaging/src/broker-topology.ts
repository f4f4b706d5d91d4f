import type { Channel, ChannelModel, Options } from 'amqplib';
import {
  brokerTopology,
  deadLetterQueueOf,
  retryQueueOf,
  type BrokerTopology,
} from '@capstone/contracts';

/**
 * How the topology's queues are declared, by the deploy-time one-shot and by the services
 * themselves (Nest's `queueOptions`) alike: RabbitMQ refuses to declare a queue again with other
 * arguments (PRECONDITION_FAILED), so each kind is defined once, here.
 */
export const durableQueue = { durable: true } as const satisfies Options.AssertQueue;

/**
 * A retry queue has no consumer: each message in it expires after the delay its publisher set
 * (`expiration`), and RabbitMQ then dead-letters it back to `queue` through the default exchange.
 */
export function retryQueueOptions(queue: string): Options.AssertQueue {
  return {
    ...durableQueue,
    arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue },
  };
}

/** Declares an events queue's retry queue (`<queue>.retry`) and dead-letter queue (`<queue>.dead`). */
export async function declareFailureQueues(channel: Channel, queue: string): Promise<void> {
  await channel.assertQueue(retryQueueOf(queue), retryQueueOptions(queue));
  await channel.assertQueue(deadLetterQueueOf(queue), durableQueue);
}

/**
 * Declares the broker topology of the contracts: the events exchange, the request queues, and
 * each events queue with its bindings, retry queue and dead-letter queue. Idempotent. A binding
 * the contracts no longer name is left in place: AMQP cannot list bindings to remove them.
 */
export async function declareBrokerTopology(
  channel: Channel,
  topology: BrokerTopology = brokerTopology,
): Promise<void> {
  await channel.assertExchange(topology.exchange, 'topic', { durable: true });
  for (const queue of topology.requestQueues) await channel.assertQueue(queue, durableQueue);
  for (const { queue, events } of topology.eventsQueues) {
    await channel.assertQueue(queue, durableQueue);
    await declareFailureQueues(channel, queue);
    for (const event of events) await channel.bindQueue(queue, topology.exchange, event.name);
  }
}

/**
 * Whether a passive check (`checkQueue`, `checkExchange`) passes, asked on a channel of its own:
 * RabbitMQ closes the channel that asks for something missing.
 */
async function passes(
  connection: ChannelModel,
  check: (channel: Channel) => Promise<unknown>,
): Promise<boolean> {
  try {
    const probe = await connection.createChannel();
    probe.on('error', () => undefined); // The 404 that closes it is the answer.
    await check(probe);
    await probe.close();
    return true;
  } catch {
    return false;
  }
}

/** Whether `queue` exists. */
export function queueIsDeclared(connection: ChannelModel, queue: string): Promise<boolean> {
  return passes(connection, (channel) => channel.checkQueue(queue));
}

/** Whether `exchange` exists. */
export function exchangeIsDeclared(connection: ChannelModel, exchange: string): Promise<boolean> {
  return passes(connection, (channel) => channel.checkExchange(exchange));
}
