import amqp, { type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createTestVhost,
  TcpProxy,
  testInfrastructure,
  waitFor,
  type TestVhost,
} from '@capstone/testing';
import { EVENTS_EXCHANGE } from '@capstone/contracts';
import { OutboxPublisher } from '../src/outbox-publisher.js';
import type { ClaimedEvent } from '../src/outbox-store.js';

const event: ClaimedEvent = {
  id: '0b6f3c1e-4d2a-4f5b-9c8d-7e6f5a4b3c2d',
  name: 'note.taken',
  data: { text: 'hello' },
  occurredAt: new Date(),
  traceContext: null,
  returnedCount: 0,
};

describe('OutboxPublisher, on real RabbitMQ', () => {
  let vhost: TestVhost;
  let proxy: TcpProxy;

  beforeAll(async () => {
    vhost = await createTestVhost('outbox_publisher');
    const amqpTarget = new URL(testInfrastructure.amqpUrl);
    proxy = await TcpProxy.start({
      host: amqpTarget.hostname,
      port: Number(amqpTarget.port || 5672),
    });
  });

  afterAll(async () => {
    proxy?.resume();
    await proxy?.cut();
    await vhost?.drop();
  });

  it('keeps its new connection when the one it let go finally closes', async () => {
    const realConnect = amqp.connect.bind(amqp);
    const opened: ChannelModel[] = [];
    // The first connection goes through the proxy, the next one straight to RabbitMQ, so that the
    // first can be stalled while the second works.
    const connect = vi.spyOn(amqp, 'connect').mockImplementation(async (url, options) => {
      const connection = await realConnect(opened.length === 0 ? url : vhost.url, options);
      opened.push(connection);
      return connection;
    });
    const publisher = new OutboxPublisher(proxy.rewrite(vhost.url), 1_000, () => false);
    try {
      await publisher.connect();
      // A broker that stops answering: letting the connection go waits a second for its close.
      proxy.pause();
      await publisher.disconnect();
      await publisher.connect();
      expect(opened).toHaveLength(2);

      // The first connection's close comes through once traffic flows again.
      const firstClosed = new Promise((resolve) => opened[0]?.once('close', resolve));
      proxy.resume();
      await firstClosed;
      expect(publisher.connected).toBe(true);

      // And it still closes that one: none is left open behind it.
      let secondClosed = false;
      opened[1]?.once('close', () => (secondClosed = true));
      await publisher.disconnect();
      await waitFor(() => secondClosed || undefined, { what: 'the second connection to close' });
    } finally {
      connect.mockRestore();
      proxy.resume();
      await publisher.disconnect();
    }
  });

  it('lets go of a connection whose channel the broker closed before it opens another', async () => {
    const realConnect = amqp.connect.bind(amqp);
    const opened: ChannelModel[] = [];
    const connect = vi.spyOn(amqp, 'connect').mockImplementation(async (url, options) => {
      const connection = await realConnect(url, options);
      opened.push(connection);
      return connection;
    });
    const publisher = new OutboxPublisher(vhost.url, 1_000, () => false);
    try {
      await publisher.connect();
      // The exchange deleted under it: RabbitMQ closes the channel that publishes to it (404).
      const admin = await realConnect(vhost.url);
      await (await admin.createChannel()).deleteExchange(EVENTS_EXCHANGE);
      await admin.close();
      const batch = await publisher.publish([event]);
      expect(batch.unconfirmed).toEqual([event]);
      expect(publisher.connected).toBe(false);

      let firstClosed = false;
      opened[0]?.once('close', () => (firstClosed = true));
      await publisher.connect();
      expect(opened).toHaveLength(2);
      await waitFor(() => firstClosed || undefined, { what: 'the first connection to close' });
    } finally {
      connect.mockRestore();
      await publisher.disconnect();
    }
  });
});
