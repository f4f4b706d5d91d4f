import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  createTestDatabase,
  createTestKeyspace,
  createTestVhost,
  freePort,
  waitFor,
  type TestDatabase,
  type TestKeyspace,
  type TestVhost,
} from '@capstone/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appNamed, builtFile, healthPaths, repoRoot, type AppName } from './support/apps.js';
import {
  commandOf,
  loadCompose,
  service,
  serviceEnvironment,
  servicesReferenced,
} from './support/compose.js';
import { environmentOf, execForm, last, parseDockerfile } from './support/dockerfile.js';
import { AppProcess, runNx } from './support/processes.js';

const compose = loadCompose();

/** What a container of the app runs: the Dockerfile's CMD. */
function imageCommand(app: AppName): string[] {
  const cmd = last(parseDockerfile(appNamed(app).dockerfile).final, 'CMD');
  return execForm(cmd?.args ?? '');
}

/**
 * A compose service's environment (over its image's ENV) for a process on this machine: URLs
 * that name a compose service point at the local test servers instead.
 */
function hostEnvironment(
  serviceName: string,
  image: AppName,
  stores: Record<string, string>,
): Record<string, string> {
  const environment = {
    ...environmentOf(parseDockerfile(appNamed(image).dockerfile).final),
    ...serviceEnvironment(service(compose, serviceName)),
  };
  const referenced = servicesReferenced(environment, Object.keys(compose.services));
  for (const [variable, store] of referenced) {
    const local = stores[store];
    if (!local) throw new Error(`${variable} points at ${store}, which this test does not run`);
    environment[variable] = local;
  }
  return environment;
}

interface Reply {
  readonly status: number;
  readonly body: unknown;
}

async function request(url: string, init: RequestInit = {}): Promise<Reply> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

/** Polls the app until /health/ready says 200; fails at once, with its output, if it exits. */
async function readiness(app: AppProcess, port: number): Promise<Reply> {
  return waitFor(
    async () => {
      if (app.hasExited) throw new Error(app.describe());
      const reply = await request(`http://127.0.0.1:${port}${healthPaths.ready}`).catch(
        () => undefined,
      );
      return reply?.status === 200 ? reply : undefined;
    },
    { timeoutMs: 60_000, what: `${app.label} to be ready` },
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}\n${app.describe()}`);
  });
}

describe('the production builds, run as their containers run them', () => {
  let database: TestDatabase;
  let vhost: TestVhost;
  let keyspace: TestKeyspace;
  let stores: Record<string, string>;

  beforeAll(async () => {
    runNx('gateway:build');
    runNx('auth:build');
    [database, vhost] = await Promise.all([
      createTestDatabase('deploy'),
      createTestVhost('deploy'),
    ]);
    keyspace = createTestKeyspace('deploy');
    stores = { postgres: database.url, rabbitmq: vhost.url, redis: keyspace.url };
  }, 300_000);

  afterAll(async () => {
    await AppProcess.stopAll();
    await Promise.all([database?.drop(), vhost?.drop(), keyspace?.drop()]);
  });

  it('produces the files the images and the migrate service run', () => {
    for (const file of [
      imageCommand('gateway')[1],
      imageCommand('auth')[1],
      commandOf(service(compose, 'auth-migrate'))?.[1],
    ]) {
      expect(file).toBeDefined();
      expect(existsSync(resolve(repoRoot, file ?? '')), `${file} exists after the build`).toBe(
        true,
      );
    }
    expect(imageCommand('auth')[1]).toBe(builtFile('auth', 'main.ts'));
  });

  describe('the stack from docker-compose.yml', () => {
    let authPort: number;
    let gatewayPort: number;
    let auth: AppProcess;
    let gateway: AppProcess;

    beforeAll(async () => {
      [authPort, gatewayPort] = [await freePort(), await freePort()];
    });

    it('migrates the auth database with the auth-migrate service command, then exits 0', async () => {
      const migrate = AppProcess.start(
        'auth-migrate',
        commandOf(service(compose, 'auth-migrate')) ?? [],
        hostEnvironment('auth-migrate', 'auth', stores),
      );
      const { code, output } = await migrate.finished(60_000);
      expect(code, output).toBe(0);
      expect(output).toContain('migrations applied');
    });

    it('starts auth in production mode and reports it ready', async () => {
      auth = AppProcess.start('auth', imageCommand('auth'), {
        ...hostEnvironment('auth', 'auth', stores),
        PORT: String(authPort),
      });
      const ready = await readiness(auth, authPort);
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({
        status: 'ok',
        checks: { postgres: { state: 'up' }, rabbitmq: { state: 'up' } },
      });
    });

    it('starts the gateway in production mode and reports it ready', async () => {
      gateway = AppProcess.start('gateway', imageCommand('gateway'), {
        ...hostEnvironment('gateway', 'gateway', stores),
        REDIS_KEY_PREFIX: keyspace.prefix,
        PORT: String(gatewayPort),
      });
      const ready = await readiness(gateway, gatewayPort);
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({
        status: 'ok',
        checks: { rabbitmq: { state: 'up' }, redis: { state: 'up' } },
      });
    });

    it('signs a user up through the gateway with 201', async () => {
      const username = `deploy${Date.now().toString(36)}`;
      const reply = await request(`http://127.0.0.1:${gatewayPort}/api/users`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          user: { email: `${username}@example.com`, username, password: 'a long passphrase' },
        }),
      });
      expect(reply.status, `${JSON.stringify(reply.body)}\n${auth.describe()}`).toBe(201);
      expect(reply.body).toMatchObject({ user: { username, email: `${username}@example.com` } });
    });
  });

  describe('a wrong configuration stops the app with a message that names the variable', () => {
    it('auth in production without JWT_PRIVATE_KEY', async () => {
      const { JWT_PRIVATE_KEY: _key, ...environment } = hostEnvironment('auth', 'auth', stores);
      const auth = AppProcess.start('auth without a key', imageCommand('auth'), {
        ...environment,
        NODE_ENV: 'production',
        PORT: String(await freePort()),
      });
      const { code, output } = await auth.finished(20_000);
      expect(code).not.toBe(0);
      expect(output).toContain('JWT_PRIVATE_KEY');
    });

    it('the gateway with AMQP_URL=http://x', async () => {
      const gateway = AppProcess.start('gateway with a bad AMQP_URL', imageCommand('gateway'), {
        ...hostEnvironment('gateway', 'gateway', stores),
        AMQP_URL: 'http://x',
        PORT: String(await freePort()),
      });
      const { code, output } = await gateway.finished(20_000);
      expect(code).not.toBe(0);
      expect(output).toContain('AMQP_URL');
    });
  });
});
