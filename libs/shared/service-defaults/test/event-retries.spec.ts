import { Injectable, Logger, Module, type INestApplication } from '@nestjs/common';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { DataPoint } from '@opentelemetry/sdk-metrics';
import amqp, { type ChannelModel, type ConfirmChannel, type GetMessage } from 'amqplib';
import {
  AuthEvents,
  BLOG_EVENTS_QUEUE,
  deadLetterQueueOf,
  retryQueueOf,
  type EventEnvelope,
  type UserProfileData,
} from '@capstone/contracts';
import { HEALTH_INDICATORS, healthIndicators } from '@capstone/health';
import {
  declareBrokerTopology,
  declareFailureQueues,
  EventController,
  OnEvent,
  replayDeadLetters,
} from '@capstone/messaging';
import { createTestVhost, TestEventsExchange, waitFor, type TestVhost } from '@capstone/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startService, type ServiceConfig } from '../src/index.js';

// The messaging library takes its meter when it loads, as in a service, where telemetry starts
// first: the reader is installed before the imports above are evaluated.
const reader = await vi.hoisted(async () => {
  const { metrics } = await import('@opentelemetry/api');
  const { MeterProvider, MetricReader } = await import('@opentelemetry/sdk-metrics');
  class TestMetricReader extends MetricReader {
    protected onForceFlush = () => Promise.resolve();
    protected onShutdown = () => Promise.resolve();
  }
  const testReader = new TestMetricReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [testReader] }));
  return testReader;
});

/** What the counter `name` counted for `user.updated` events with the error type given. */
async function counted(name: string, errorType: string): Promise<number> {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics
    .flatMap((scope) => scope.metrics)
    .filter((metric) => metric.descriptor.name === name)
    .flatMap((metric) => metric.dataPoints as DataPoint<number>[])
    .filter(
      ({ attributes }) =>
        attributes['messaging.destination.name'] === AuthEvents.userUpdated.name &&
        attributes['error.type'] === errorType,
    )
    .reduce((sum, point) => sum + point.value, 0);
}

/** What the handler does with a user: fail, hang, or (by default) apply the change. */
type Fault = 'throw' | 'hang';

/** The usernames applied, when each was tried, and which cannot be applied for now. */
@Injectable()
class Profiles {
  readonly applied: string[] = [];
  readonly attempts = new Map<string, number[]>();
  readonly faults = new Map<string, Fault>();

  attemptsAt(username: string): number[] {
    return this.attempts.get(username) ?? [];
  }
}

/** Consumes `blog.events` as the blog does, with a handler that fails or hangs on demand. */
@EventController()
class ProfileEventsController {
  constructor(private readonly profiles: Profiles) {}

  @OnEvent(AuthEvents.userRegistered, AuthEvents.userUpdated)
  async userChanged({ data }: EventEnvelope<UserProfileData>): Promise<void> {
    const { username } = data;
    this.profiles.attempts.set(username, [...this.profiles.attemptsAt(username), Date.now()]);
    const fault = this.profiles.faults.get(username);
    if (fault === 'throw') throw new Error(`cannot apply ${username}`);
    if (fault === 'hang') return new Promise<void>(() => undefined);
    this.profiles.applied.push(username);
  }
}

@Module({
  controllers: [ProfileEventsController],
  providers: [Profiles, healthIndicators({ useFactory: () => [] })],
  exports: [HEALTH_INDICATORS],
})
class ProfilesModule {}

interface ProbeConfig extends ServiceConfig {
  readonly EVENT_MAX_ATTEMPTS: number;
  readonly EVENT_RETRY_DELAY_MS: number;
  readonly EVENT_HANDLER_TIMEOUT_MS: number;
}

const QUEUE = BLOG_EVENTS_QUEUE;
const DEAD = deadLetterQueueOf(QUEUE);
const MAX_ATTEMPTS = 3;
const RETRY_DELAY_MS = 400;
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

const user = (username: string, extra: object = {}) => ({
  userId: '0b7c1ad6-3c1f-4bd4-9d75-0a0a7f1b5e2a',
  email: 'ada@example.com',
  username,
  bio: null,
  image: null,
  version: 2,
  ...extra,
});

describe('a service consuming events, with retries and a dead-letter queue on real RabbitMQ', () => {
  let vhost: TestVhost;
  let exchange: TestEventsExchange;
  let connection: ChannelModel;
  let channel: ConfirmChannel;
  let app: INestApplication;
  let profiles: Profiles;

  beforeAll(async () => {
    vhost = await createTestVhost('event-retries');
    connection = await amqp.connect(vhost.url);
    channel = await connection.createConfirmChannel();
    exchange = await TestEventsExchange.connect(vhost.url);
    const config: ProbeConfig = {
      PORT: 0,
      LOG_LEVEL: 'error',
      AMQP_URL: vhost.url,
      EVENT_MAX_ATTEMPTS: MAX_ATTEMPTS,
      EVENT_RETRY_DELAY_MS: RETRY_DELAY_MS,
      EVENT_HANDLER_TIMEOUT_MS: 500,
    };
    app = await startService({
      name: 'probe',
      module: ProfilesModule,
      config,
      configToken: 'CONFIG',
      eventsQueue: QUEUE,
    });
    profiles = app.get(Profiles);
  });

  afterEach(async () => {
    await channel.purgeQueue(DEAD);
  });

  afterAll(async () => {
    await app?.close();
    await exchange?.close();
    await connection?.close();
    await vhost?.drop();
  });

  const publish = (username: string, eventId: string) =>
    exchange.publish(AuthEvents.userUpdated.name, user(username), eventId, {
      traceparent: TRACEPARENT,
    });

  /** The next message of the dead-letter queue, once there is one; it stays in the queue. */
  async function nextDeadLetter(): Promise<GetMessage> {
    const message = await waitFor(async () => (await channel.get(DEAD)) || undefined, {
      what: `a message in ${DEAD}`,
      timeoutMs: 15_000,
    });
    channel.nack(message, false, true);
    return message;
  }

  const waiting = async (queue: string) => (await channel.checkQueue(queue)).messageCount;

  it('retries a failing event a bounded number of times, apart by the delay, then keeps it in <queue>.dead with its headers and the error, while the other events are applied', async () => {
    profiles.faults.set('poison', 'throw');
    publish('poison', 'event-poison');
    publish('fine', 'event-fine');

    const dead = await nextDeadLetter();
    const tried = profiles.attemptsAt('poison');
    expect(tried).toHaveLength(MAX_ATTEMPTS);
    for (let attempt = 1; attempt < tried.length; attempt += 1) {
      expect((tried[attempt] ?? 0) - (tried[attempt - 1] ?? 0)).toBeGreaterThanOrEqual(
        RETRY_DELAY_MS - 50,
      );
    }
    // The consumer was free while the poison waited for its next attempt.
    expect(profiles.applied).toContain('fine');
    expect(profiles.attemptsAt('fine')[0]).toBeLessThan(tried[1] ?? 0);

    expect(dead.properties.messageId).toBe('event-poison');
    expect(dead.properties.headers).toMatchObject({
      traceparent: TRACEPARENT,
      'capstone-attempts': MAX_ATTEMPTS,
      'capstone-error': 'Error: cannot apply poison',
    });
    expect(JSON.parse(dead.content.toString()).data.data).toEqual(user('poison'));
    expect(await waiting(QUEUE)).toBe(0);
    expect(await waiting(retryQueueOf(QUEUE))).toBe(0);
    expect(await waiting(DEAD)).toBe(1);
    expect(await counted('messaging.client.retried.messages', 'Error')).toBe(MAX_ATTEMPTS - 1);
    expect(await counted('messaging.client.dead_lettered.messages', 'Error')).toBe(1);
  });

  it('replays a dead-lettered event into its queue, where it is applied once its cause is fixed', async () => {
    profiles.faults.set('late', 'throw');
    publish('late', 'event-late');
    await nextDeadLetter();

    profiles.faults.delete('late');
    expect(await replayDeadLetters(channel, QUEUE)).toBe(1);

    await waitFor(() => profiles.applied.includes('late') || undefined, { what: 'the replay' });
    expect(profiles.attemptsAt('late')).toHaveLength(MAX_ATTEMPTS + 1);
    expect(await waiting(DEAD)).toBe(0);
    expect(await replayDeadLetters(channel, QUEUE)).toBe(0);
  });

  it('gives up a handler that hangs after the timeout and treats it as failed, the consumer going on meanwhile', async () => {
    profiles.faults.set('stuck', 'hang');
    publish('stuck', 'event-stuck');
    publish('fine-too', 'event-fine-too');

    const dead = await nextDeadLetter();
    expect(profiles.attemptsAt('stuck')).toHaveLength(MAX_ATTEMPTS);
    expect(profiles.applied).toContain('fine-too');
    expect(dead.properties.headers).toMatchObject({
      'capstone-attempts': MAX_ATTEMPTS,
      'capstone-error': 'HandlerTimeoutError: the handler did not finish within 500 ms',
    });
    expect(await counted('messaging.client.dead_lettered.messages', 'HandlerTimeoutError')).toBe(1);
  });

  it('sends a malformed event to <queue>.dead at once, logged with the fields at fault and none of its data', async () => {
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    exchange.publish(AuthEvents.userUpdated.name, user('', { version: 'two' }), 'event-malformed');

    const dead = await nextDeadLetter();
    expect(dead.properties.headers).toMatchObject({
      'capstone-attempts': 1,
      'capstone-error': "MalformedEventError: the event's schema refuses username, version",
    });
    const line = await waitFor(
      () =>
        error.mock.calls
          .map(([entry]) => entry as { msg?: string })
          .find((entry) => entry.msg === 'malformed event dead-lettered'),
      { what: 'the log line' },
    );
    expect(line).toMatchObject({
      pattern: AuthEvents.userUpdated.name,
      messageId: 'event-malformed',
    });
    expect(JSON.stringify(error.mock.calls)).not.toContain('ada@example.com');
    expect(await counted('messaging.client.dead_lettered.messages', 'malformed')).toBe(1);
  });

  it('keeps a failing event whose <queue>.retry is gone, logging the queue, until the queue is back', async () => {
    const error = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await channel.deleteQueue(retryQueueOf(QUEUE));
    try {
      profiles.faults.set('orphan', 'throw');
      publish('orphan', 'event-orphan');

      // RabbitMQ returned the copy: the original was not acknowledged, and comes back.
      await waitFor(() => profiles.attemptsAt('orphan').length >= 2 || undefined, {
        what: 'the event delivered again',
      });
      expect(error.mock.calls.map(([entry]) => entry)).toContainEqual(
        expect.objectContaining({
          msg: `a failed event could not be moved to ${retryQueueOf(QUEUE)}`,
          messageId: 'event-orphan',
        }),
      );
      profiles.faults.delete('orphan');
      await waitFor(() => profiles.applied.includes('orphan') || undefined, {
        what: 'the event applied',
      });
    } finally {
      await declareFailureQueues(channel, QUEUE);
      error.mockRestore();
    }
  });

  it('consumes its queue again once it is deleted and declared again, the broker having cancelled the consumer', async () => {
    await channel.deleteQueue(QUEUE);
    // Declared again a little later, as the deploy-time topology would.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await declareBrokerTopology(channel);
    publish('back', 'event-back');

    await waitFor(() => profiles.applied.includes('back') || undefined, {
      what: 'the event applied',
      timeoutMs: 10_000,
    });
  });
});

/**
 * A TCP proxy to RabbitMQ whose broker-to-service direction can be held, as while RabbitMQ blocks
 * publishers: what the service sends arrives, its confirms do not, until released.
 */
class HoldingProxy {
  private held: Buffer[] | undefined;
  private readonly toService = new Set<Socket>();
  private constructor(readonly server: Server) {}

  static async start(): Promise<HoldingProxy> {
    const proxy = new HoldingProxy(createServer((service) => proxy.relay(service)));
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address ? address.port : 0;
  }

  private relay(service: Socket): void {
    const broker = connect(5672, '127.0.0.1');
    service.pipe(broker);
    this.toService.add(service);
    broker.on('data', (chunk: Buffer) =>
      this.held ? this.held.push(chunk) : service.write(chunk),
    );
    const end = () => (service.destroy(), broker.destroy(), this.toService.delete(service));
    service.on('error', end).on('close', end);
    broker.on('error', end).on('close', end);
  }

  hold(): void {
    this.held = [];
  }

  release(): void {
    const held = this.held ?? [];
    this.held = undefined;
    for (const service of this.toService) for (const chunk of held) service.write(chunk);
  }

  async close(): Promise<void> {
    for (const service of this.toService) service.destroy();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

describe('a service whose copies RabbitMQ does not confirm, as while it blocks publishers', () => {
  let vhost: TestVhost;
  let exchange: TestEventsExchange;
  let proxy: HoldingProxy;
  let app: INestApplication;

  beforeAll(async () => {
    vhost = await createTestVhost('event-confirm-timeout');
    exchange = await TestEventsExchange.connect(vhost.url);
    proxy = await HoldingProxy.start();
    const config: ProbeConfig = {
      PORT: 0,
      LOG_LEVEL: 'error',
      AMQP_URL: vhost.url.replace(':5672/', `:${proxy.port}/`),
      EVENT_MAX_ATTEMPTS: MAX_ATTEMPTS,
      EVENT_RETRY_DELAY_MS: RETRY_DELAY_MS,
      EVENT_HANDLER_TIMEOUT_MS: 500,
    };
    app = await startService({
      name: 'probe',
      module: ProfilesModule,
      config,
      configToken: 'CONFIG',
      eventsQueue: QUEUE,
    });
  });

  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await exchange?.close();
    await vhost?.drop();
  });

  it('gives the original back to the queue when the copy is not confirmed in time, logging why', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const profiles = app.get(Profiles);
    profiles.faults.set('blocked', 'throw');
    // Held once the event is in hand: the copy leaves, its confirm does not come back.
    const attempted = vi.spyOn(profiles.attempts, 'set').mockImplementationOnce((...args) => {
      proxy.hold();
      return Map.prototype.set.apply(profiles.attempts, args);
    });
    try {
      exchange.publish(AuthEvents.userUpdated.name, user('blocked'), 'event-blocked');
      const line = await waitFor(
        () =>
          warn.mock.calls
            .map(([entry]) => entry as { msg?: string; error?: string })
            .find(
              (entry) =>
                entry.msg === `a failed event could not be moved to ${retryQueueOf(QUEUE)}`,
            ),
        { what: 'the log line', timeoutMs: 5_000 },
      );
      expect(line).toMatchObject({
        messageId: 'event-blocked',
        error: expect.stringContaining('did not confirm'),
      });
    } finally {
      proxy.release();
      attempted.mockRestore();
      warn.mockRestore();
    }
    profiles.faults.delete('blocked');
    await waitFor(() => profiles.applied.includes('blocked') || undefined, {
      what: 'the event applied',
      timeoutMs: 10_000,
    });
  });
});

describe('a service whose event handlers the broker topology does not bind', () => {
  let vhost: TestVhost;

  beforeAll(async () => {
    vhost = await createTestVhost('event-drift');
  });

  afterAll(async () => {
    await vhost?.drop();
  });

  @EventController()
  class RegistrationsController {
    @OnEvent(AuthEvents.userRegistered)
    async registered(): Promise<void> {
      // Never called: the service does not start.
    }
  }

  @Module({
    controllers: [RegistrationsController],
    providers: [healthIndicators({ useFactory: () => [] })],
    exports: [HEALTH_INDICATORS],
  })
  class RegistrationsModule {}

  it('refuses to start, naming what it handles and what the topology binds', async () => {
    const config: ServiceConfig = { PORT: 0, LOG_LEVEL: 'error', AMQP_URL: vhost.url };
    await expect(
      startService({
        name: 'probe',
        module: RegistrationsModule,
        config,
        configToken: 'CONFIG',
        eventsQueue: QUEUE,
      }),
    ).rejects.toThrow(
      'blog.events handles user.registered but the broker topology binds user.registered, user.updated',
    );
  });
});
