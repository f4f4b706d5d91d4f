import { Agent, request as httpRequest } from 'node:http';
import { randomUUID } from 'node:crypto';
import { Controller, Get, Inject, Injectable, Module, type INestApplication } from '@nestjs/common';
import {
  AuthEvents,
  BLOG_EVENTS_QUEUE,
  defineRpc,
  field,
  strictObject,
  type EventEnvelope,
  type UserProfileData,
} from '@capstone/contracts';
import { HEALTH_INDICATORS, healthIndicators } from '@capstone/health';
import {
  BrokerClient,
  BrokerClientsModule,
  EventController,
  OnEvent,
  Rpc,
  RpcController,
} from '@capstone/messaging';
import {
  createTestVhost,
  freePort,
  RawRpc,
  TcpProxy,
  TestEventsExchange,
  waitFor,
  type TestVhost,
} from '@capstone/testing';
import amqp from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startService, type ServiceConfig } from '../src/index.js';

const PROBE_CONFIG = Symbol('PROBE_CONFIG');
/** The events consumer's retry settings (EVENT_* in @capstone/config): none comes into play here. */
const eventSettings = {
  EVENT_MAX_ATTEMPTS: 3,
  EVENT_RETRY_DELAY_MS: 1_000,
  EVENT_HANDLER_TIMEOUT_MS: 10_000,
};
const PROBE_CLIENT = Symbol('PROBE_CLIENT');
const queue = 'probe.rpc';

interface ProbeConfig extends ServiceConfig {
  /** Which instance answered: the replies say it. */
  readonly INSTANCE: string;
  readonly BROKER_TIMEOUT_MS: number;
}

const Work = defineRpc(
  'probe.work',
  strictObject({ n: field.count(0, 1000) }),
  z.object({ n: z.number(), by: z.string() }),
);

/** Work waits until the test opens the gate, as slow work would. */
const gate = { open: () => undefined as void, opened: Promise.resolve(), entered: 0 };
function closeGate(): void {
  gate.entered = 0;
  gate.opened = new Promise((resolve) => (gate.open = () => resolve()));
}

@RpcController()
class WorkController {
  constructor(@Inject(PROBE_CONFIG) private readonly config: ProbeConfig) {}

  @Rpc(Work)
  async work(request: { n: number }): Promise<{ n: number; by: string }> {
    gate.entered += 1;
    await gate.opened;
    return { n: request.n, by: this.config.INSTANCE };
  }
}

@Controller('slow')
class SlowController {
  @Get()
  async slow(): Promise<{ done: true }> {
    gate.entered += 1;
    await gate.opened;
    return { done: true };
  }
}

/** A service that answers `probe.work`, and is ready while its broker client is connected. */
@Module({
  imports: [
    BrokerClientsModule.forRoot({
      configToken: PROBE_CONFIG,
      services: [{ token: PROBE_CLIENT, name: 'probe', queue }],
    }),
  ],
  controllers: [WorkController, SlowController],
  providers: [
    healthIndicators({
      inject: [PROBE_CLIENT],
      useFactory: (client: BrokerClient) => [
        { name: 'rabbitmq', critical: true, check: () => client.ensureConnected() },
      ],
    }),
  ],
  exports: [HEALTH_INDICATORS],
})
class ProbeModule {}

describe('starting and stopping a service', () => {
  let vhost: TestVhost;
  let rpc: RawRpc;
  let broker: TcpProxy | undefined;
  const apps: INestApplication[] = [];

  const start = (config: Partial<ProbeConfig> = {}) => {
    const started = startService({
      name: 'probe',
      module: ProbeModule,
      config: {
        PORT: 0,
        LOG_LEVEL: 'error',
        AMQP_URL: vhost.url,
        INSTANCE: 'first',
        BROKER_TIMEOUT_MS: 2_000,
        ...config,
      },
      configToken: PROBE_CONFIG,
      rpcQueue: queue,
    });
    return started.then((app) => (apps.push(app), app));
  };
  const work = (n: number) => rpc.request(queue, Work.pattern, { n }, 15_000);
  /** How many consumers take messages from the queue, as the RabbitMQ UI shows them. */
  const consumers = async () => {
    const connection = await amqp.connect(vhost.url);
    try {
      return (await (await connection.createChannel()).checkQueue(queue)).consumerCount;
    } finally {
      await connection.close();
    }
  };

  beforeAll(async () => {
    vhost = await createTestVhost('start-and-stop');
    rpc = await RawRpc.connect(vhost.url);
  });

  afterEach(async () => {
    gate.open();
    for (const app of apps.splice(0)) await app.close();
    await broker?.cut();
  });

  afterAll(async () => {
    await rpc?.close();
    await vhost?.drop();
  });

  it('answers its probes while RabbitMQ is unreachable (live, not ready), then consumes once it is back', async () => {
    const { hostname, port } = new URL(vhost.url);
    const proxy = await TcpProxy.start({ host: hostname, port: Number(port || 5672) });
    broker = proxy;
    await proxy.cut();
    const httpPort = await freePort();
    const probe = (path: string) =>
      fetch(`http://127.0.0.1:${httpPort}${path}`, { signal: AbortSignal.timeout(5_000) });
    const starting = start({ PORT: httpPort, AMQP_URL: proxy.rewrite(vhost.url) });
    try {
      const live = await waitFor(() => probe('/health/live').catch(() => undefined), {
        what: 'liveness to answer',
      });
      expect(live.status).toBe(200);
      const ready = await probe('/health/ready');
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ checks: { rabbitmq: { state: 'down' } } });
    } finally {
      await proxy.restore();
    }
    await starting;
    await waitFor(async () => ((await probe('/health/ready')).status === 200 ? true : undefined), {
      what: 'readiness once RabbitMQ is back',
    });
    expect((await work(1)).response).toEqual({ n: 1, by: 'first' });
  });

  it('finishes and answers the requests in hand when it stops, and leaves the rest in the queue', async () => {
    const first = await start({ INSTANCE: 'first' });
    closeGate();
    const inHand = [1, 2, 3].map((n) => work(n));
    await waitFor(() => (gate.entered === 3 ? true : undefined), { what: 'three requests taken' });

    const stopping = first.close();
    await waitFor(async () => ((await consumers()) === 0 ? true : undefined), {
      what: 'the consumer to stop taking requests',
    });
    const later = work(4);
    await new Promise((resolve) => setTimeout(resolve, 500));
    gate.open();
    await stopping;
    await start({ INSTANCE: 'second' });

    expect((await Promise.all(inHand)).map((reply) => reply.response)).toEqual(
      [1, 2, 3].map((n) => ({ n, by: 'first' })),
    );
    expect((await later).response).toEqual({ n: 4, by: 'second' });
  });

  it('answers an HTTP request in hand when it stops, and closes a keep-alive connection that keeps sending', async () => {
    const app = await start();
    const { port } = app.getHttpServer().address() as { port: number };
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const get = (path: string) =>
      new Promise<{ status: number; connection?: string }>((resolve, reject) => {
        httpRequest({ host: '127.0.0.1', port, path, agent }, (response) => {
          response.resume();
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, connection: response.headers.connection }),
          );
        })
          .on('error', reject)
          .end();
      });
    const slowAgent = new Agent({ keepAlive: true });
    closeGate();
    const slow = new Promise<number>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port, path: '/slow', agent: slowAgent }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      })
        .on('error', reject)
        .end();
    });
    await waitFor(() => (gate.entered === 1 ? true : undefined), { what: 'the slow request' });
    expect((await get('/health/live')).status).toBe(200);

    const stopped = { at: 0 };
    const stopping = app.close().then(() => (stopped.at = Date.now()));
    // A client that reuses its connection for one request after another.
    const replies: { status: number; connection?: string }[] = [];
    const busy = (async () => {
      while (!stopped.at && replies.length < 200) {
        replies.push(await get('/health/live').catch(() => ({ status: 0 })));
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 300));
    gate.open();
    const opened = Date.now();
    expect(await slow).toBe(200);
    await stopping;
    await busy;
    agent.destroy();
    slowAgent.destroy();
    expect(stopped.at - opened).toBeLessThan(1_000);
    const answered = replies.filter((reply) => reply.status === 200);
    expect(answered.at(-1)?.connection).toBe('close');
  });

  it.each([0, 10, 20, 30, 40, 50, 60, 80, 100])(
    'stops without an unhandled error %i ms after its broker client starts connecting',
    async (delayMs) => {
      const unhandled: unknown[] = [];
      const collect = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', collect);
      try {
        const app = await start();
        void app
          .get<BrokerClient>(PROBE_CLIENT)
          .ensureConnected()
          .catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        await app.close();
        await new Promise((resolve) => setTimeout(resolve, 200));
      } finally {
        process.off('unhandledRejection', collect);
      }
      expect(unhandled).toEqual([]);
    },
  );
});

/** Consumes `blog.events` as the blog does; its handler waits at the gate. */
@Injectable()
class Applied {
  readonly usernames: string[] = [];
}

@EventController()
class ProfileEventsController {
  constructor(private readonly applied: Applied) {}

  @OnEvent(AuthEvents.userRegistered, AuthEvents.userUpdated)
  async userChanged({ data }: EventEnvelope<UserProfileData>): Promise<void> {
    gate.entered += 1;
    await gate.opened;
    this.applied.usernames.push(data.username);
  }
}

@Module({
  controllers: [ProfileEventsController],
  providers: [Applied, healthIndicators({ useFactory: () => [] })],
  exports: [HEALTH_INDICATORS],
})
class ProfilesModule {}

describe('stopping a service that consumes events', () => {
  let vhost: TestVhost;
  let exchange: TestEventsExchange;
  const apps: INestApplication[] = [];

  const start = async () => {
    const app = await startService({
      name: 'probe',
      module: ProfilesModule,
      config: { PORT: 0, LOG_LEVEL: 'error', AMQP_URL: vhost.url, ...eventSettings },
      configToken: 'CONFIG',
      eventsQueue: BLOG_EVENTS_QUEUE,
    });
    apps.push(app);
    return app;
  };
  const user = (username: string) => ({
    userId: randomUUID(),
    email: `${username}@example.com`,
    username,
    bio: null,
    image: null,
    version: 2,
  });

  beforeAll(async () => {
    vhost = await createTestVhost('stop-events');
    exchange = await TestEventsExchange.connect(vhost.url);
  });

  afterEach(async () => {
    gate.open();
    for (const app of apps.splice(0)) await app.close();
  });

  afterAll(async () => {
    await exchange?.close();
    await vhost?.drop();
  });

  it('finishes and acknowledges the events in hand: the next instance does not get them again', async () => {
    const first = await start();
    closeGate();
    exchange.publish(AuthEvents.userUpdated.name, user('ada'));
    exchange.publish(AuthEvents.userUpdated.name, user('grace'));
    await waitFor(() => (gate.entered === 2 ? true : undefined), { what: 'two events taken' });

    const stopping = first.close();
    await new Promise((resolve) => setTimeout(resolve, 300));
    gate.open();
    await stopping;
    expect(first.get(Applied).usernames.sort()).toEqual(['ada', 'grace']);

    const second = await start();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(second.get(Applied).usernames).toEqual([]);
  });
});
