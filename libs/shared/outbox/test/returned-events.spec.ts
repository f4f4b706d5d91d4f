import { Logger } from '@nestjs/common';
import { metrics } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { z } from 'zod';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import amqp from 'amqplib';
import {
  AuthEvents,
  BLOG_EVENTS_QUEUE,
  BlogEvents,
  CHAT_EVENTS_QUEUE,
  defineEvent,
  type EventEnvelope,
} from '@capstone/contracts';
import {
  createTestServiceStores,
  TestEventsExchange,
  waitFor,
  type TestServiceStores,
} from '@capstone/testing';

/** Collects on demand what the process's instruments counted. */
class TestMetricReader extends MetricReader {
  protected onForceFlush(): Promise<void> {
    return Promise.resolve();
  }

  protected onShutdown(): Promise<void> {
    return Promise.resolve();
  }
}

// The outbox takes its meter when it loads, as in the services, where telemetry starts first.
const reader = new TestMetricReader();
metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
const { OutboxMessage, OutboxRelay, recordEvent } = await import('../src/index.js');
const { openOutboxDatabase } = await import('./outbox-database.js');

const noteTaken = defineEvent('note.taken', z.object({ text: z.string() }));
const memoFiled = defineEvent('memo.filed', z.object({ text: z.string() }));
/** An event no consumer is meant for: published, and dropped by the exchange. */
const asideNoted = defineEvent('aside.noted', z.object({ text: z.string() }));

/** The returned events counted so far for one event name. */
async function returnedCount(event: string): Promise<number> {
  const { resourceMetrics } = await reader.collect();
  const counter = resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .find((metric) => metric.descriptor.name === 'capstone.outbox.returned');
  const point = counter?.dataPoints.find(
    (dataPoint) => dataPoint.attributes['messaging.destination.name'] === event,
  );
  return typeof point?.value === 'number' ? point.value : 0;
}

describe('events no queue is bound for, on real PostgreSQL and RabbitMQ', () => {
  let stores: TestServiceStores;
  let dataSource: DataSource;
  let relay: InstanceType<typeof OutboxRelay>;
  let exchange: TestEventsExchange;

  beforeAll(async () => {
    stores = await createTestServiceStores('outbox_returned');
    dataSource = await openOutboxDatabase(stores.database.url);
    // No queue of this fresh virtual host is bound for `note.*`, as before its consumer's deploy.
    exchange = await TestEventsExchange.connect(stores.vhost.url);
    relay = new OutboxRelay(dataSource, {
      amqpUrl: stores.vhost.url,
      pollIntervalMs: 100,
      returnedRetryMs: 200,
      returnedRetryMaxMs: 1_000,
      expectsQueue: (eventName) => eventName !== asideNoted.name,
    });
    relay.start();
  });

  afterAll(async () => {
    await relay?.stop();
    await exchange?.close();
    await dataSource?.destroy();
    await stores?.drop();
    metrics.disable();
  });

  const row = (id: string) => dataSource.getRepository(OutboxMessage).findOneByOrFail({ id });

  it('keeps a returned event, reports it, retries it with a back-off, and delivers it once a queue is bound', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const memos = await exchange.record<{ text: string }>('memo.*');

    const note = await dataSource.transaction((manager) =>
      recordEvent(manager, noteTaken, { text: 'nobody listens yet' }),
    );
    const memo = await dataSource.transaction((manager) =>
      recordEvent(manager, memoFiled, { text: 'behind the unroutable one' }),
    );
    relay.publishSoon();

    // The event written after it is not held up.
    await waitFor(() => memos.find((event) => event.eventId === memo.id));
    await waitFor(async () => ((await row(note.id)).returnedCount > 0 ? true : undefined));
    expect((await row(note.id)).publishedAt).toBeNull();
    expect(await returnedCount('note.taken')).toBeGreaterThan(0);
    expect(warn).toHaveBeenCalledWith(
      expect.objectContaining({ eventId: note.id, event: 'note.taken', routingKey: 'note.taken' }),
    );

    // Retried, but each time after a longer wait: about 4 returns in 2 s, not one every poll.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const returns = (await row(note.id)).returnedCount;
    expect(returns).toBeGreaterThanOrEqual(2);
    expect(returns).toBeLessThanOrEqual(5);
    expect((await row(note.id)).publishedAt).toBeNull();

    const notes: EventEnvelope<{ text: string }>[] = await exchange.record('note.*');
    const delivered = await waitFor(() => notes.find((event) => event.eventId === note.id), {
      what: 'the event once a queue is bound',
    });
    expect(delivered.data).toEqual({ text: 'nobody listens yet' });
    await waitFor(async () => ((await row(note.id)).publishedAt ? true : undefined));
  });

  it('publishes an event no queue is meant for without keeping it', async () => {
    const aside = await dataSource.transaction((manager) =>
      recordEvent(manager, asideNoted, { text: 'for nobody' }),
    );
    relay.publishSoon();
    await waitFor(async () => ((await row(aside.id)).publishedAt ? true : undefined));
    expect((await row(aside.id)).returnedCount).toBe(0);
  });
});

describe('the events kept when returned, by default', () => {
  let stores: TestServiceStores;
  let dataSource: DataSource;
  let relay: InstanceType<typeof OutboxRelay>;

  beforeAll(async () => {
    stores = await createTestServiceStores('outbox_topology');
    dataSource = await openOutboxDatabase(stores.database.url);
    relay = new OutboxRelay(dataSource, { amqpUrl: stores.vhost.url, pollIntervalMs: 100 });
    relay.start();
  });

  afterAll(async () => {
    await relay?.stop();
    await dataSource?.destroy();
    await stores?.drop();
  });

  const row = (id: string) => dataSource.getRepository(OutboxMessage).findOneByOrFail({ id });

  it('keeps an event of the broker topology whose queues were deleted, and lets one nobody consumes go', async () => {
    // The virtual host has the deployed topology; the queues user.registered goes to are deleted.
    const connection = await amqp.connect(stores.vhost.url);
    const channel = await connection.createChannel();
    await channel.deleteQueue(BLOG_EVENTS_QUEUE);
    await channel.deleteQueue(CHAT_EVENTS_QUEUE);
    await connection.close();

    const [registered, followed] = await dataSource.transaction(async (manager) => [
      await recordEvent(manager, AuthEvents.userRegistered, {
        userId: '5f0c8a52-8f8e-4d1e-9c55-0b8a3c7e2d11',
        email: 'kept@example.com',
        username: 'kept',
        bio: null,
        image: null,
        version: 1,
      }),
      await recordEvent(manager, BlogEvents.profileFollowed, {
        followerId: '5f0c8a52-8f8e-4d1e-9c55-0b8a3c7e2d11',
        followedId: '0e4b7d3a-1c2f-4a5b-8d6e-7f8091a2b3c4',
        followedUsername: 'followed',
      }),
    ]);
    relay.publishSoon();

    await waitFor(async () => ((await row(followed.id)).publishedAt ? true : undefined));
    expect((await row(followed.id)).returnedCount).toBe(0);
    await waitFor(async () => ((await row(registered.id)).returnedCount > 0 ? true : undefined));
    expect((await row(registered.id)).publishedAt).toBeNull();
  });
});
