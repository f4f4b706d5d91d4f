import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { ClientProxyFactory } from '@nestjs/microservices';
import { AUTH_QUEUE, AuthRpc } from '@capstone/contracts';
import { BrokerClient, BrokerUnavailableError, rpcClientOptions } from '@capstone/messaging';
import {
  createTestServiceStores,
  serviceClient,
  TcpProxy,
  waitFor,
  type TestServiceStores,
} from '@capstone/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuthConfig, type AuthConfig } from '../src/auth.config.js';
import { startAuthService } from '../src/bootstrap.js';

const client = { ip: '203.0.113.9', userAgent: 'replica-test' };
const account = { email: 'ada@example.com', username: 'ada', password: 'correct horse battery' };
const credentials = { email: account.email, password: account.password, client };

/** The auth services a test started, closed after it. */
function authInstances(stores: () => TestServiceStores) {
  const started: INestApplication[] = [];
  return {
    start: async (overrides: Partial<AuthConfig> = {}) => {
      const config = loadAuthConfig({ NODE_ENV: 'test', LOG_LEVEL: 'error', ...stores().env });
      const app = await startAuthService({ ...config, PORT: 0, ...overrides });
      started.push(app);
      return app;
    },
    closeAll: async () => {
      for (const app of started.splice(0)) await app.close();
    },
  };
}

/** How many consumers take requests from the auth queue, as the RabbitMQ UI shows them. */
async function consumersOfAuthQueue(amqpUrl: string): Promise<number> {
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(AUTH_QUEUE)).consumerCount;
  } finally {
    await connection.close();
  }
}

async function readiness(app: INestApplication): Promise<number> {
  const { port } = app.getHttpServer().address() as AddressInfo;
  return (await fetch(`http://127.0.0.1:${port}/health/ready`)).status;
}

describe('two auth replicas, one of which loses its database', () => {
  let stores: TestServiceStores;
  let database: TcpProxy;
  const instances = authInstances(() => stores);
  let healthy: INestApplication;
  let cutOff: INestApplication;
  let auth: BrokerClient;

  beforeAll(async () => {
    stores = await createTestServiceStores('auth-replicas');
    const url = new URL(stores.env.DATABASE_URL);
    database = await TcpProxy.start({ host: url.hostname, port: Number(url.port || 5432) });
    healthy = await instances.start();
    cutOff = await instances.start({ DATABASE_URL: database.rewrite(stores.env.DATABASE_URL) });
    auth = serviceClient('auth', stores.vhost.url, AUTH_QUEUE);
    await auth.send(AuthRpc.register, { ...account, client });
  });

  afterAll(async () => {
    await auth?.onApplicationShutdown();
    await instances.closeAll();
    await database?.restore();
    await stores?.drop();
  });

  it('leaves every request to the healthy one while its database is away, then takes its share again', async () => {
    expect(await consumersOfAuthQueue(stores.vhost.url)).toBe(2);
    await database.cut();
    await waitFor(async () => ((await readiness(cutOff)) === 503 ? true : undefined), {
      what: 'the cut-off replica to report not ready',
    });
    await waitFor(
      async () => ((await consumersOfAuthQueue(stores.vhost.url)) === 1 ? true : undefined),
      { what: 'the cut-off replica to stop taking requests' },
    );

    const logins = await Promise.allSettled(
      Array.from({ length: 20 }, () => auth.send(AuthRpc.login, credentials)),
    );
    expect(logins.filter((login) => login.status === 'rejected')).toEqual([]);

    await database.restore();
    await waitFor(
      async () => ((await consumersOfAuthQueue(stores.vhost.url)) === 2 ? true : undefined),
      { what: 'the replica to take requests again' },
    );
    expect(await readiness(cutOff)).toBe(200);
    // With the healthy one gone, the one that was cut off answers alone.
    await healthy.close();
    expect((await auth.send(AuthRpc.login, credentials)).user.username).toBe(account.username);
  });
});

describe('a refresh whose caller gave up before the auth service took it', () => {
  let stores: TestServiceStores;
  const instances = authInstances(() => stores);
  const clients: BrokerClient[] = [];

  beforeAll(async () => {
    stores = await createTestServiceStores('auth-deadline');
  });

  afterAll(async () => {
    for (const broker of clients) await broker.onApplicationShutdown();
    await instances.closeAll();
    await stores?.drop();
  });

  /** A client of the auth queue that waits `timeoutMs`, as the gateway waits BROKER_TIMEOUT_MS. */
  const caller = (timeoutMs: number) => {
    const proxy = ClientProxyFactory.create(rpcClientOptions(stores.vhost.url, AUTH_QUEUE));
    const broker = new BrokerClient('auth', proxy, timeoutMs);
    clients.push(broker);
    return broker;
  };

  it('does not rotate the token: the user retries it after the grace and is refreshed', async () => {
    // One second of grace: a token rotated behind the user's back is refused soon after.
    const grace = { REFRESH_REUSE_GRACE_SECONDS: 1 };
    await instances.start(grace);
    const registered = await caller(5_000).send(AuthRpc.register, { ...account, client });
    await instances.closeAll();

    const refresh = { refreshToken: registered.tokens.refreshToken, client };
    const gaveUp = await caller(300)
      .send(AuthRpc.refresh, refresh)
      .catch((error: unknown) => error);
    expect(gaveUp).toBeInstanceOf(BrokerUnavailableError);

    await instances.start(grace);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const retried = await caller(5_000).send(AuthRpc.refresh, refresh);
    expect(retried.tokens.sessionId).toBe(registered.tokens.sessionId);
    expect(retried.tokens.refreshToken).not.toBe(registered.tokens.refreshToken);
  });
});
