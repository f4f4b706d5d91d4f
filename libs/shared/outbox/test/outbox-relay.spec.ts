import { z } from 'zod';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineEvent, type EventEnvelope } from '@capstone/contracts';
import {
  createTestServiceStores,
  TcpProxy,
  TestEventsExchange,
  testInfrastructure,
  waitFor,
  type TestServiceStores,
} from '@capstone/testing';
import { OutboxMessage, outboxMigrations, OutboxRelay, recordEvent } from '../src/index.js';

const noteTaken = defineEvent('note.taken', z.object({ text: z.string() }));

describe('OutboxRelay on real PostgreSQL and RabbitMQ', () => {
  let stores: TestServiceStores;
  let dataSource: DataSource;
  let proxy: TcpProxy;
  let relay: OutboxRelay;
  let exchange: TestEventsExchange;
  let received: EventEnvelope<{ text: string }>[];

  beforeAll(async () => {
    stores = await createTestServiceStores('outbox');
    dataSource = new DataSource({
      type: 'postgres',
      url: stores.database.url,
      entities: [OutboxMessage],
      migrations: outboxMigrations,
    });
    await dataSource.initialize();
    await dataSource.runMigrations();

    exchange = await TestEventsExchange.connect(stores.vhost.url);
    received = await exchange.record('note.*');

    const amqpTarget = new URL(testInfrastructure.amqpUrl);
    proxy = await TcpProxy.start({
      host: amqpTarget.hostname,
      port: Number(amqpTarget.port || 5672),
    });
    relay = new OutboxRelay(dataSource, {
      amqpUrl: proxy.rewrite(stores.vhost.url),
      pollIntervalMs: 100,
    });
    relay.start();
  });

  afterAll(async () => {
    await relay?.stop();
    await proxy?.cut();
    await exchange?.close();
    await dataSource?.destroy();
    await stores?.drop();
  });

  const record = (text: string) =>
    dataSource.transaction((manager) => recordEvent(manager, noteTaken, { text }));
  const isPublished = async (id: string) =>
    (await dataSource.getRepository(OutboxMessage).findOneByOrFail({ id })).publishedAt !== null;

  it('publishes a committed event once, with its id, name and data', async () => {
    const stored = await record('first');
    relay.publishSoon();
    const delivered = await waitFor(() => received.find((event) => event.eventId === stored.id));
    expect(delivered).toMatchObject({ name: 'note.taken', data: { text: 'first' } });
    expect(new Date(delivered.occurredAt).getTime()).toBe(stored.occurredAt.getTime());
    await waitFor(async () => ((await isPublished(stored.id)) ? true : undefined));
  });

  it('does not publish what a rolled-back transaction recorded', async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await recordEvent(manager, noteTaken, { text: 'never' });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    const marker = await record('after rollback');
    await waitFor(() => received.find((event) => event.eventId === marker.id));
    expect(received.map((event) => event.data.text)).not.toContain('never');
  });

  it('keeps events written while RabbitMQ is unreachable and delivers each once it is back', async () => {
    await proxy.cut();
    const during = [await record('during outage 1'), await record('during outage 2')];
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(received.filter((event) => event.data.text.startsWith('during outage'))).toHaveLength(0);
    expect(await Promise.all(during.map((message) => isPublished(message.id)))).toEqual([
      false,
      false,
    ]);

    await proxy.restore();
    await waitFor(
      () =>
        received.filter((e) => e.data.text.startsWith('during outage')).length === 2
          ? true
          : undefined,
      {
        timeoutMs: 15_000,
        what: 'the events recorded during the outage',
      },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const ids = received
      .filter((event) => event.data.text.startsWith('during outage'))
      .map((event) => event.eventId);
    expect(ids.sort()).toEqual(during.map((message) => message.id).sort());
    expect(await Promise.all(during.map((message) => isPublished(message.id)))).toEqual([
      true,
      true,
    ]);
  });
});
