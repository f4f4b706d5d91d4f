import type { INestApplication } from '@nestjs/common';
import { AUTH_QUEUE, AuthRpc } from '@capstone/contracts';
import {
  createTestServiceStores,
  RawRpc,
  type RawReply,
  type TestServiceStores,
} from '@capstone/testing';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAuthConfig } from '../src/auth.config.js';
import { startAuthService } from '../src/bootstrap.js';

const client = { ip: '203.0.113.7', userAgent: 'raw-client' };
const REPLY_QUEUE = 'amq.rabbitmq.reply-to';

/**
 * Puts `body` on the auth queue byte for byte, not even as a Nest packet, and waits for the reply;
 * with `asEvent`, without a queue to reply to, and only until the broker has taken it.
 */
async function putOnQueue(amqpUrl: string, body: string, { asEvent = false } = {}) {
  const connection = await amqp.connect(amqpUrl);
  try {
    const channel = await connection.createConfirmChannel();
    let settle: (reply: RawReply) => void = () => undefined;
    const reply = new Promise<RawReply>((resolve) => (settle = resolve));
    if (!asEvent) {
      // Direct reply-to: the reply queue must be consumed before the request is sent.
      await channel.consume(
        REPLY_QUEUE,
        (message) => message && settle(JSON.parse(message.content.toString()) as RawReply),
        { noAck: true },
      );
    }
    const properties = asEvent ? {} : { replyTo: REPLY_QUEUE, correlationId: 'raw-1' };
    channel.sendToQueue(AUTH_QUEUE, Buffer.from(body), properties);
    await channel.waitForConfirms();
    return asEvent ? {} : await reply;
  } finally {
    await connection.close();
  }
}

/**
 * The auth app seen only through RabbitMQ, by a sender that ignores the contracts: whatever is put
 * on `auth.rpc` is read with the request's schema before any handler runs.
 */
describe('the auth service over RabbitMQ, given requests that break the contracts', () => {
  let stores: TestServiceStores;
  let app: INestApplication;
  let raw: RawRpc;

  beforeAll(async () => {
    stores = await createTestServiceStores('auth-raw');
    app = await startAuthService({
      ...loadAuthConfig({ NODE_ENV: 'test', LOG_LEVEL: 'error', ...stores.env }),
      PORT: 0,
    });
    raw = await RawRpc.connect(stores.vhost.url);
  });

  afterAll(async () => {
    await raw?.close();
    await app?.close();
    await stores?.drop();
  });

  it.each<[string, string, unknown, Record<string, string[]>]>([
    [
      'login with a number for the email',
      AuthRpc.login.pattern,
      { email: 5, password: 'x', client },
      { email: ['must be text'] },
    ],
    [
      'login with nothing',
      AuthRpc.login.pattern,
      {},
      { email: ["can't be blank"], password: ["can't be blank"], client: ['must be an object'] },
    ],
    [
      'register without a password',
      AuthRpc.register.pattern,
      { email: 'raw@example.com', username: 'raw', client },
      { password: ["can't be blank"] },
    ],
    [
      'an update of everything',
      AuthRpc.updateUser.pattern,
      { userId: 12, changes: 'everything' },
      { userId: ['is invalid'], sessionId: ["can't be blank"], changes: ['must be an object'] },
    ],
    [
      'a user looked up with an operator object',
      AuthRpc.getUser.pattern,
      { userId: { $ne: null } },
      { userId: ['is invalid'] },
    ],
    ['a refresh that is a number', AuthRpc.refresh.pattern, 42, { payload: ['must be an object'] }],
    [
      'an oversized username',
      AuthRpc.register.pattern,
      { email: 'big@example.com', username: 'u'.repeat(10_000), password: 'long enough', client },
      { username: ['is too long (maximum is 40 characters)'] },
    ],
    [
      'a NUL in a login email',
      AuthRpc.login.pattern,
      { email: 'nul\u0000@example.com', password: 'whatever', client },
      {
        email: [
          'contains characters that cannot be stored (NUL or an unpaired surrogate)',
          'is invalid',
        ],
      },
    ],
    [
      'an extra field',
      AuthRpc.register.pattern,
      { email: 'x@example.com', username: 'x', password: 'long enough', client, role: 'admin' },
      { role: ['is not allowed'] },
    ],
  ])('answers %s with 422 naming the field', async (_case, pattern, payload, errors) => {
    const reply = await raw.request(AUTH_QUEUE, pattern, payload);
    expect(reply.err).toEqual({ status: 422, errors });
  });

  it.each<[string, () => Promise<RawReply>, Record<string, string[]>]>([
    [
      'a body that is not JSON',
      () => putOnQueue(stores.vhost.url, 'email=a@b.c'),
      { body: ['is not JSON'] },
    ],
    [
      'a request without a pattern',
      () => raw.request(AUTH_QUEUE, '', {}),
      { pattern: ["can't be blank"] },
    ],
    [
      'a pattern the service does not handle',
      () => raw.request(AUTH_QUEUE, 'auth.user.delete', { userId: 'x' }),
      { pattern: ['is not handled here'] },
    ],
  ])('answers %s with 400 naming it, as its handlers answer', async (_case, send, errors) => {
    expect((await send()).err).toEqual({ status: 400, errors });
  });

  it('takes an event it has no handler for without failing, and goes on answering', async () => {
    await putOnQueue(stores.vhost.url, '{"pattern":"user.deleted","data":{}}', { asEvent: true });
    const keys = await raw.request(AUTH_QUEUE, AuthRpc.jwks.pattern, {});
    expect(keys.response).toMatchObject({ keys: [expect.objectContaining({ use: 'sig' })] });
  });

  it('still answers well-formed requests afterwards', async () => {
    const registered = await raw.request(AUTH_QUEUE, AuthRpc.register.pattern, {
      email: 'after@example.com',
      username: 'after',
      password: 'long enough',
      client,
    });
    expect(registered.err).toBeUndefined();
    expect(registered.response).toMatchObject({ user: { username: 'after' } });
    const keys = await raw.request(AUTH_QUEUE, AuthRpc.jwks.pattern, {});
    expect(keys.response).toMatchObject({ keys: [expect.objectContaining({ use: 'sig' })] });
  });
});
