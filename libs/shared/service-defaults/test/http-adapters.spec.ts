import { Agent, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Controller, Get, Module, type INestApplication } from '@nestjs/common';
import type { AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter, type NestExpressApplication } from '@nestjs/platform-express';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { healthIndicators, HEALTH_INDICATORS } from '@capstone/health';
import { createTestVhost, waitFor, type TestVhost } from '@capstone/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startService } from '../src/index.js';

/** The slow route waits until the test opens the gate. */
const gate = { open: () => undefined as void, opened: Promise.resolve(), entered: 0 };

@Controller()
class ProbeController {
  @Get('hello')
  hello(): { hello: true } {
    return { hello: true };
  }

  @Get('slow')
  async slow(): Promise<{ done: true }> {
    gate.entered += 1;
    await gate.opened;
    return { done: true };
  }
}

@Module({
  controllers: [ProbeController],
  providers: [healthIndicators({ useFactory: () => [] })],
  exports: [HEALTH_INDICATORS],
})
class ProbeModule {}

/** `/early` is answered before the framework routes it: Express middleware, a Fastify hook. */
const adapters: [string, () => AbstractHttpAdapter, (app: INestApplication) => void][] = [
  [
    'Express',
    () => new ExpressAdapter(),
    (app) =>
      void (app as NestExpressApplication).use(
        (request: { url: string }, response: { json(body: unknown): void }, next: () => void) =>
          request.url === '/early' ? response.json({ early: true }) : next(),
      ),
  ],
  [
    'Fastify',
    () => new FastifyAdapter(),
    (app) =>
      void (app as NestFastifyApplication)
        .getHttpAdapter()
        .getInstance()
        .addHook('onRequest', (request, reply, done) =>
          request.url === '/early' ? void reply.send({ early: true }) : done(),
        ),
  ],
];

describe.each(adapters)('the service defaults on Nest’s %s adapter', (_name, adapter, early) => {
  let vhost: TestVhost;
  const apps: INestApplication[] = [];

  beforeAll(async () => {
    vhost = await createTestVhost('http-adapters');
  });

  afterEach(async () => {
    gate.open();
    for (const app of apps.splice(0)) await app.close();
  });

  afterAll(async () => {
    await vhost?.drop();
  });

  const start = async () => {
    const app = await startService({
      name: 'probe',
      module: ProbeModule,
      config: { PORT: 0, LOG_LEVEL: 'error', AMQP_URL: vhost.url },
      configToken: 'CONFIG',
      httpAdapter: adapter,
      configure: early,
    });
    apps.push(app);
    return { app, port: (app.getHttpServer().address() as AddressInfo).port };
  };

  it('gives every response an X-Request-Id of its own, one answered before routing too', async () => {
    const { port } = await start();
    const ids = [];
    for (const path of ['/hello', '/hello', '/early', '/health/live', '/nothing-here']) {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      expect(response.status, path).toBe(path === '/nothing-here' ? 404 : 200);
      ids.push(response.headers.get('x-request-id'));
    }
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answers the request in hand when it stops, closing its keep-alive connection', async () => {
    const { app, port } = await start();
    gate.entered = 0;
    gate.opened = new Promise((resolve) => (gate.open = () => resolve()));
    const agent = new Agent({ keepAlive: true });
    const slow = new Promise<{ status?: number; connection?: string }>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port, path: '/slow', agent }, (response) => {
        response.resume();
        response.on('end', () =>
          resolve({ status: response.statusCode, connection: response.headers.connection }),
        );
      })
        .on('error', reject)
        .end();
    });
    await waitFor(() => (gate.entered === 1 ? true : undefined), { what: 'the slow request' });
    const stopping = app.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    gate.open();
    expect(await slow).toEqual({ status: 200, connection: 'close' });
    await stopping;
    apps.splice(apps.indexOf(app), 1);
    agent.destroy();
  });
});
