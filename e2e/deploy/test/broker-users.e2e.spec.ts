import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  AUTH_QUEUE,
  BLOG_EVENTS_QUEUE,
  BLOG_QUEUE,
  CHAT_EVENTS_QUEUE,
  CHAT_QUEUE,
  EVENTS_EXCHANGE,
} from '@capstone/contracts';
import { GATEWAY_EVENTS_QUEUE } from '@capstone/gateway-feature';
import { describe, expect, it } from 'vitest';
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
const everyQueue = [...new Set(Object.values(needs).flatMap((need) => need.consumes))];

describe('RabbitMQ users of docker-compose.yml (infra/rabbitmq/definitions)', () => {
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

    it('may not read, bind or declare another service’s queues', () => {
      for (const queue of everyQueue.filter((queue) => !need.consumes.includes(queue))) {
        expect(allowed(user, 'read', queue), queue).toBe(false);
        expect(allowed(user, 'write', queue), queue).toBe(false);
        if (!need.calls.includes(queue))
          expect(allowed(user, 'configure', queue), queue).toBe(false);
      }
    });
  });
});
