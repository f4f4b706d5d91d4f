import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import amqp, { type ChannelModel } from 'amqplib';
import {
  AUTH_QUEUE,
  BLOG_EVENTS_QUEUE,
  BLOG_QUEUE,
  brokerTopology,
  CHAT_EVENTS_QUEUE,
  CHAT_QUEUE,
  deadLetterQueueOf,
  EVENTS_EXCHANGE,
  GATEWAY_EVENTS_QUEUE,
  retryQueueOf,
} from '@capstone/contracts';
import { declareFailureQueues, durableQueue, retryQueueOptions } from '@capstone/messaging';
import {
  createTestVhost,
  testInfrastructure,
  uniqueSuffix,
  type TestVhost,
} from '@capstone/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { apps, repoRoot, type AppName } from './support/apps.js';
import { loadCompose, service, serviceEnvironment } from './support/compose.js';

const compose = loadCompose();
const Definitions = z.object({
  users: z.array(z.object({ name: z.string(), password: z.string(), tags: z.array(z.string()) })),
  permissions: z.array(
    z.object({
      user: z.string(),
      vhost: z.string(),
      configure: z.string(),
      write: z.string(),
      read: z.string(),
    }),
  ),
});
const definitions = Definitions.parse(
  JSON.parse(readFileSync(resolve(repoRoot, 'infra/rabbitmq/definitions/capstone.json'), 'utf8')),
);

type Access = 'configure' | 'write' | 'read';

/** Whether RabbitMQ lets `user` do `access` on the queue or exchange `resource` (its regexes). */
function allowed(user: string, access: Access, resource: string): boolean {
  const permission = definitions.permissions.find((entry) => entry.user === user);
  return permission !== undefined && new RegExp(permission[access]).test(resource);
}

/** What each service does on the broker, from the contracts: the least it must be allowed. */
const needs: Record<AppName, { consumes: string[]; calls: string[]; publishesEvents: boolean }> = {
  auth: { consumes: [AUTH_QUEUE], calls: [], publishesEvents: true },
  blog: { consumes: [BLOG_QUEUE, BLOG_EVENTS_QUEUE], calls: [], publishesEvents: true },
  chat: { consumes: [CHAT_QUEUE, CHAT_EVENTS_QUEUE], calls: [AUTH_QUEUE], publishesEvents: false },
  gateway: {
    consumes: [GATEWAY_EVENTS_QUEUE],
    calls: [AUTH_QUEUE, BLOG_QUEUE, CHAT_QUEUE],
    publishesEvents: false,
  },
};
/** A service's queues: those it consumes, and the retry and dead-letter queues of its events queue. */
const ownQueues = (need: (typeof needs)[AppName]) =>
  need.consumes.flatMap((queue) =>
    queue.endsWith('.events') ? [queue, retryQueueOf(queue), deadLetterQueueOf(queue)] : [queue],
  );
const everyQueue = [...new Set(Object.values(needs).flatMap(ownQueues))];

describe('RabbitMQ users of docker-compose.yml (infra/rabbitmq/definitions)', () => {
  it('has the topology one-shot declare the broker as the administrator, allowed everything', () => {
    const url = new URL(serviceEnvironment(service(compose, 'broker-topology'))['AMQP_URL'] ?? '');
    const user = decodeURIComponent(url.username);
    expect(definitions.users.find((entry) => entry.name === user)?.tags).toContain('administrator');
    expect(definitions.permissions.find((entry) => entry.user === user)).toMatchObject({
      configure: '.*',
      write: '.*',
      read: '.*',
    });
  });

  it('has no guest user, and one administrator for the management UI', () => {
    expect(definitions.users.map((user) => user.name)).not.toContain('guest');
    expect(definitions.users.filter((user) => user.tags.includes('administrator'))).toHaveLength(1);
  });

  it('loads the definitions at boot from the files compose mounts', () => {
    const volumes = (service(compose, 'rabbitmq').volumes ?? []).map(String);
    expect(volumes).toContain(
      './infra/rabbitmq/definitions/capstone.json:/etc/rabbitmq/definitions.d/capstone.json:ro',
    );
    expect(readFileSync(resolve(repoRoot, 'infra/rabbitmq/capstone.conf'), 'utf8')).toMatch(
      /^load_definitions = \/etc\/rabbitmq\/definitions\.d$/m,
    );
  });

  describe.each(apps)('the $name service', ({ name }) => {
    const url = new URL(serviceEnvironment(service(compose, name))['AMQP_URL'] ?? '');
    const user = decodeURIComponent(url.username);
    const need = needs[name];

    it('connects as a user of its own, with that user’s password, without management rights', () => {
      expect(user).toBe(name);
      const entry = definitions.users.find((candidate) => candidate.name === user);
      expect(entry?.password).toBe(decodeURIComponent(url.password));
      expect(entry?.tags).toEqual([]);
    });

    it('may declare and consume its own queues, and declare and call the queues it sends to', () => {
      for (const queue of need.consumes) {
        expect(allowed(user, 'configure', queue), queue).toBe(true);
        expect(allowed(user, 'read', queue), queue).toBe(true);
      }
      for (const queue of need.calls) expect(allowed(user, 'configure', queue), queue).toBe(true);
      if (need.calls.length > 0 || need.consumes.some((queue) => queue.endsWith('.rpc'))) {
        // Requests and replies go through the default exchange.
        expect(allowed(user, 'write', 'amq.default')).toBe(true);
      }
    });

    it('may publish to the events exchange only if it publishes events, and bind to it if it consumes them', () => {
      expect(allowed(user, 'write', EVENTS_EXCHANGE)).toBe(need.publishesEvents);
      const eventQueues = need.consumes.filter((queue) => queue.endsWith('.events'));
      expect(allowed(user, 'read', EVENTS_EXCHANGE)).toBe(eventQueues.length > 0);
      // Binding a queue to the exchange needs write on the queue and read on the exchange.
      for (const queue of eventQueues) expect(allowed(user, 'write', queue), queue).toBe(true);
    });

    it('may declare its events queue’s retry and dead-letter queues, and read the retry queue (RabbitMQ checks it for a queue that dead-letters), but leaves the dead letters to the administrator', () => {
      for (const queue of need.consumes.filter((name) => name.endsWith('.events'))) {
        for (const declared of [retryQueueOf(queue), deadLetterQueueOf(queue)]) {
          expect(allowed(user, 'configure', declared), declared).toBe(true);
        }
        expect(allowed(user, 'read', retryQueueOf(queue))).toBe(true);
        expect(allowed(user, 'read', deadLetterQueueOf(queue))).toBe(false);
      }
    });

    it('may not read, bind or declare another service’s queues', () => {
      for (const queue of everyQueue.filter((queue) => !ownQueues(need).includes(queue))) {
        expect(allowed(user, 'read', queue), queue).toBe(false);
        expect(allowed(user, 'write', queue), queue).toBe(false);
        if (!need.calls.includes(queue))
          expect(allowed(user, 'configure', queue), queue).toBe(false);
      }
    });
  });
});

/** The management API of the tests' RabbitMQ, as its administrator. */
async function management(method: string, path: string, body?: unknown): Promise<void> {
  const base = new URL(testInfrastructure.rabbitManagementUrl);
  const auth = Buffer.from(`${base.username}:${base.password}`).toString('base64');
  base.username = base.password = '';
  const response = await fetch(new URL(`/api${path}`, base), {
    method,
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`RabbitMQ management ${method} ${path}: ${response.status}`);
}

describe('the same permissions on a real RabbitMQ, with the topology declared', () => {
  const consumers = {
    blog: BLOG_EVENTS_QUEUE,
    chat: CHAT_EVENTS_QUEUE,
    gateway: GATEWAY_EVENTS_QUEUE,
  };
  const suffix = uniqueSuffix();
  const userOf = (app: string) => `capstone-test-${suffix}-${app}`;
  let vhost: TestVhost;
  const connections: ChannelModel[] = [];

  beforeAll(async () => {
    vhost = await createTestVhost('broker-users');
    for (const app of Object.keys(consumers)) {
      const permission = definitions.permissions.find((entry) => entry.user === app);
      await management('PUT', `/users/${userOf(app)}`, { password: 'test', tags: '' });
      await management('PUT', `/permissions/${encodeURIComponent(vhost.name)}/${userOf(app)}`, {
        configure: permission?.configure,
        write: permission?.write,
        read: permission?.read,
      });
    }
  });

  afterAll(async () => {
    for (const connection of connections) await connection.close().catch(() => undefined);
    for (const app of Object.keys(consumers)) await management('DELETE', `/users/${userOf(app)}`);
    await vhost?.drop();
  });

  /** A confirm channel of the app's user, on the test's virtual host. */
  async function channelAs(app: string) {
    const url = new URL(vhost.url);
    url.username = userOf(app);
    url.password = 'test';
    const connection = await amqp.connect(url.toString());
    connection.on('error', () => undefined);
    connections.push(connection);
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    return channel;
  }

  it.each(Object.entries(consumers))(
    'let %s declare what its events consumer declares and move a failed event to its retry and dead-letter queues',
    async (app, queue) => {
      const channel = await channelAs(app);
      await channel.assertQueue(queue, durableQueue);
      await channel.assertExchange(EVENTS_EXCHANGE, 'topic', { durable: true });
      const events = brokerTopology.eventsQueues.find((entry) => entry.queue === queue)?.events;
      for (const event of events ?? []) await channel.bindQueue(queue, EVENTS_EXCHANGE, event.name);
      await declareFailureQueues(channel, queue);
      channel.sendToQueue(retryQueueOf(queue), Buffer.from('{}'), { expiration: '60000' });
      channel.sendToQueue(deadLetterQueueOf(queue), Buffer.from('{}'));
      await channel.waitForConfirms();
    },
  );

  it('refuse a service another’s retry queue, and the dead letters of its own', async () => {
    await expect(
      (await channelAs('blog')).assertQueue(
        retryQueueOf(CHAT_EVENTS_QUEUE),
        retryQueueOptions(CHAT_EVENTS_QUEUE),
      ),
    ).rejects.toThrow(/ACCESS_REFUSED/);
    await expect(
      (await channelAs('blog')).get(deadLetterQueueOf(BLOG_EVENTS_QUEUE)),
    ).rejects.toThrow(/ACCESS_REFUSED/);
  });
});
