import type { AddressInfo } from 'node:net';
import { Inject, Injectable, Module, type INestApplication } from '@nestjs/common';
import { HEALTH_INDICATORS, healthIndicators } from '@capstone/health';
import { createTestVhost, type TestVhost } from '@capstone/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createServiceContext, startService, type ServiceConfig } from '../src/index.js';

const PROBE_CONFIG = Symbol('PROBE_CONFIG');
interface ProbeConfig extends ServiceConfig {
  readonly GREETING: string;
}

@Injectable()
class Greeter {
  constructor(@Inject(PROBE_CONFIG) readonly config: ProbeConfig) {}
}

/** A service of nothing but a provider that reads the config and one health indicator. */
@Module({
  providers: [
    Greeter,
    healthIndicators({
      inject: [PROBE_CONFIG],
      useFactory: (config: ProbeConfig) => [
        {
          name: 'greeting',
          critical: true,
          check: async () => {
            if (config.GREETING !== 'hello') throw new Error('no greeting');
          },
        },
      ],
    }),
  ],
  exports: [HEALTH_INDICATORS],
})
class ProbeModule {}

describe('startService, the bootstrap every service shares', () => {
  let vhost: TestVhost;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    vhost = await createTestVhost('service-defaults');
  });

  afterEach(async () => {
    for (const app of apps.splice(0)) await app.close();
  });

  afterAll(async () => {
    await vhost?.drop();
  });

  const start = async (config: Partial<ProbeConfig> = {}) => {
    const app = await startService({
      name: 'probe',
      module: ProbeModule,
      config: { PORT: 0, LOG_LEVEL: 'error', AMQP_URL: vhost.url, GREETING: 'hello', ...config },
      configToken: PROBE_CONFIG,
      rpcQueue: 'probe.rpc',
    });
    apps.push(app);
    const { port } = app.getHttpServer().address() as AddressInfo;
    return { app, url: (path: string) => `http://127.0.0.1:${port}${path}` };
  };

  it('gives every module the configuration, and serves liveness and readiness from its indicators', async () => {
    const { app, url } = await start();
    expect(app.get(Greeter).config.GREETING).toBe('hello');
    expect(await (await fetch(url('/health/live'))).json()).toEqual({ status: 'ok' });
    const ready = await fetch(url('/health/ready'));
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok', checks: { greeting: { state: 'up' } } });
  });

  it('reports not ready with the indicator that failed', async () => {
    const { url } = await start({ GREETING: 'bye' });
    const ready = await fetch(url('/health/ready'));
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      status: 'unavailable',
      checks: { greeting: { state: 'down', error: 'no greeting' } },
    });
  });

  it('builds the providers alone for integration tests, without listening', async () => {
    const context = await createServiceContext({
      name: 'probe',
      module: ProbeModule,
      config: { PORT: 1, LOG_LEVEL: 'error', AMQP_URL: vhost.url, GREETING: 'hello' },
      configToken: PROBE_CONFIG,
    });
    expect(context.get(Greeter).config.GREETING).toBe('hello');
    await context.close();
  });
});
