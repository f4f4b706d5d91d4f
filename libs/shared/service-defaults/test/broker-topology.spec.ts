import amqp, { type ChannelModel } from 'amqplib';
import {
  brokerTopology,
  deadLetterQueueOf,
  EVENTS_EXCHANGE,
  retryQueueOf,
} from '@capstone/contracts';
import {
  declareBrokerTopology,
  eventConsumerOptions,
  retryQueueOptions,
  rpcClientOptions,
} from '@capstone/messaging';
import { createTestVhost, testInfrastructure, type TestVhost } from '@capstone/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface QueueInfo {
  readonly durable: boolean;
  readonly arguments: Record<string, unknown>;
}

/** A queue of the virtual host as the management API describes it. */
async function queueInfo(vhost: TestVhost, queue: string): Promise<QueueInfo> {
  const base = new URL(testInfrastructure.rabbitManagementUrl);
  const auth = Buffer.from(`${base.username}:${base.password}`).toString('base64');
  base.username = base.password = '';
  const path = `/api/queues/${encodeURIComponent(vhost.name)}/${encodeURIComponent(queue)}`;
  const response = await fetch(new URL(path, base), {
    headers: { authorization: `Basic ${auth}` },
  });
  expect(response.status, `${queue} exists`).toBe(200);
  return (await response.json()) as QueueInfo;
}

describe('the broker topology of the contracts, declared on real RabbitMQ', () => {
  let vhost: TestVhost;
  let connection: ChannelModel;

  beforeAll(async () => {
    // The virtual host starts with the topology declared, as the test harness declares it.
    vhost = await createTestVhost('topology');
    connection = await amqp.connect(vhost.url);
  });

  afterAll(async () => {
    await connection?.close();
    await vhost?.drop();
  });

  it('can be declared again and again, as every deployment does', async () => {
    for (let run = 0; run < 2; run += 1) {
      await declareBrokerTopology(await connection.createChannel());
    }
  });

  it('binds each events queue to exactly the events of its contracts, and has its retry and dead-letter queues', async () => {
    for (const { queue, events } of brokerTopology.eventsQueues) {
      expect(await vhost.bindingsOf(queue, EVENTS_EXCHANGE), queue).toEqual(
        events.map((event) => event.name).sort(),
      );
      expect(await queueInfo(vhost, retryQueueOf(queue))).toMatchObject({
        durable: true,
        arguments: { 'x-dead-letter-exchange': '', 'x-dead-letter-routing-key': queue },
      });
      expect(await queueInfo(vhost, deadLetterQueueOf(queue))).toMatchObject({
        durable: true,
        arguments: {},
      });
    }
    for (const queue of brokerTopology.requestQueues) {
      expect(await queueInfo(vhost, queue)).toMatchObject({ durable: true, arguments: {} });
    }
  });

  it('declares its queues as the services do, so that neither refuses the other (PRECONDITION_FAILED)', async () => {
    const channel = await connection.createChannel();
    for (const { queue } of brokerTopology.eventsQueues) {
      const { queueOptions, exchange } = eventConsumerOptions(vhost.url, queue).options ?? {};
      await channel.assertQueue(queue, queueOptions);
      await channel.assertExchange(String(exchange), 'topic', { durable: true, arguments: {} });
      await channel.assertQueue(retryQueueOf(queue), retryQueueOptions(queue));
    }
    for (const queue of brokerTopology.requestQueues) {
      await channel.assertQueue(queue, rpcClientOptions(vhost.url, queue).options?.queueOptions);
    }
    await channel.close();
  });
});
