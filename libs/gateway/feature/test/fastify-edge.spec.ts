import type { AddressInfo } from 'node:net';
import type { INestApplication } from '@nestjs/common';
import {
  createTestKeyspace,
  createTestVhost,
  freePort,
  testInfrastructure,
  type TestKeyspace,
  type TestVhost,
} from '@capstone/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway } from '../src/bootstrap.js';
import { loadGatewayConfig } from '../src/gateway.config.js';

/** What the gateway answers on its own, before any service: no auth, blog or chat runs here. */
describe('the gateway’s edge on Fastify', () => {
  let vhost: TestVhost;
  let keyspace: TestKeyspace;
  let gateway: INestApplication;
  let base: string;

  beforeAll(async () => {
    vhost = await createTestVhost('fastify-edge');
    keyspace = createTestKeyspace('fastify-edge');
    gateway = await startGateway({
      ...loadGatewayConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'error',
        AMQP_URL: vhost.url,
        REDIS_URL: testInfrastructure.redisUrl,
        REDIS_KEY_PREFIX: keyspace.prefix,
      }),
      PORT: 0,
      METRICS_PORT: 0,
      // Nothing listens there: the chat is down.
      CHAT_URL: `http://127.0.0.1:${await freePort()}`,
    });
    base = `http://127.0.0.1:${(gateway.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await gateway?.close();
    await vhost?.drop();
    await keyspace?.drop();
  });

  const answer = async (path: string, init?: RequestInit) => {
    const response = await fetch(`${base}${path}`, init);
    return [response.status, await response.json()];
  };

  it('reads a slug as long as the blog refuses, percent-encoded, instead of the router answering 414', async () => {
    const slug = encodeURIComponent('é'.repeat(301));
    expect(await answer(`/api/articles/${slug}`)).toEqual([
      422,
      { errors: { slug: [expect.any(String)] } },
    ]);
  });

  it('refuses a body that is not JSON with 415, and says what it takes', async () => {
    const sent = { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' };
    expect(await answer('/api/users', sent)).toEqual([
      415,
      { errors: { body: ['must be JSON (Content-Type: application/json)'] } },
    ]);
  });

  it('answers Socket.IO’s long-polling with 503 in the RealWorld shape while the chat is down', async () => {
    expect(await answer('/socket.io/?EIO=4&transport=polling')).toEqual([
      503,
      { errors: { chat: ['is unavailable'] } },
    ]);
  });
});
