import { z } from 'zod';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { defineEvent, type EventEnvelope } from '@capstone/contracts';
import {
  createTestServiceStores,
  TcpProxy,
  TestEventsExchange,
  testInfrastructure,
  waitFor,
  type TestServiceStores,
} from '@capstone/testing';
import { OutboxMessage, OutboxRelay, recordEvent } from '../src/index.js';
import { openOutboxDatabase } from './outbox-database.js';
import { OutboxStore, PURGE_PUBLISHED_SQL } from '../src/outbox-store.js';

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
    dataSource = await openOutboxDatabase(stores.database.url);

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
      confirmTimeoutMs: 1_000,
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

  it('gives up on a broker that stops answering within the confirm timeout, holding no transaction, and delivers once it answers', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const sql = <T>(query: string, parameters: unknown[] = []) =>
      dataSource.query<T>(query, parameters);
    proxy.pause();
    try {
      const stalled = await record('while RabbitMQ stalls');
      const started = Date.now();
      relay.publishSoon();
      const gaveUp = waitFor(
        () => warn.mock.calls.find(([message]) => String(message).includes('did not confirm')),
        { what: 'the relay to give up' },
      ).then(() => Date.now() - started);

      // Throughout the stall no session sits in a transaction, and the row can be locked at once
      // (the relay's own statements hold it for milliseconds).
      for (let sample = 0; sample < 8; sample += 1) {
        const [idle] = await sql<{ count: number }[]>(
          `SELECT count(*)::int AS count FROM pg_stat_activity
            WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
        );
        expect(idle?.count).toBe(0);
        await dataSource.transaction(async (manager) => {
          await manager.query(`SET LOCAL lock_timeout = '200ms'`);
          await manager.query('SELECT id FROM outbox WHERE id = $1 FOR UPDATE', [stalled.id]);
        });
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(await gaveUp).toBeLessThan(2_500);
      expect(await isPublished(stalled.id)).toBe(false);

      proxy.resume();
      await waitFor(() => received.find((event) => event.eventId === stalled.id), {
        timeoutMs: 15_000,
        what: 'the event held during the stall',
      });
      await waitFor(async () => ((await isPublished(stalled.id)) ? true : undefined));
    } finally {
      proxy.resume();
    }
  });

  it('purges rows published before the retention through the published_at index', async () => {
    // Enough rows for the planner to prefer an index when there is one: a day of published events.
    await dataSource.query(
      `INSERT INTO outbox (id, name, data, occurred_at, published_at)
       SELECT gen_random_uuid(), 'note.taken', '{}', now() - n * interval '1 second',
              now() - n * interval '1 second'
         FROM generate_series(1, 20000) AS n`,
    );
    await dataSource.query('ANALYZE outbox');
    const hour = 60 * 60 * 1000;
    const plan = (
      await dataSource.query<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${PURGE_PUBLISHED_SQL}`, [
        5 * hour,
        1_000,
      ])
    )
      .map((line) => line['QUERY PLAN'])
      .join('\n');
    expect(plan).toContain('outbox_published_idx');

    const unpublished = await record('not yet published');
    await new OutboxStore(dataSource).purgePublished(5 * hour);
    const [left] = await dataSource.query<{ older: number; kept: number }[]>(
      `SELECT count(*) FILTER (WHERE published_at < now() - interval '5 hours')::int AS older,
              count(*)::int AS kept
         FROM outbox`,
    );
    expect(left?.older).toBe(0);
    expect(left?.kept).toBeGreaterThanOrEqual(5 * 3600);
    expect(await dataSource.getRepository(OutboxMessage).existsBy({ id: unpublished.id })).toBe(
      true,
    );
  });
});
