import amqp from 'amqplib';
import { brokerTopology, deadLetterQueueOf, EVENTS_EXCHANGE } from '@capstone/contracts';
import { brokerTopologyDeclared, declareBrokerTopology } from '@capstone/messaging';
import {
  createTestVhost,
  freePort,
  testInfrastructure,
  uniqueSuffix,
  type TestVhost,
} from '@capstone/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** A call to the management API as the test servers' administrator. */
async function management(method: string, path: string, body?: unknown): Promise<void> {
  const base = new URL(testInfrastructure.rabbitManagementUrl);
  const auth = Buffer.from(`${base.username}:${base.password}`).toString('base64');
  base.username = base.password = '';
  const response = await fetch(new URL(path, base), {
    method,
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  expect(response.ok, `${method} ${path}`).toBe(true);
}

/** `url` as another user. */
function as(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = password;
  return parsed.toString();
}

describe('brokerTopologyDeclared, the deploy step every app’s pods wait for', () => {
  let vhost: TestVhost;
  // An app's user may configure only its own queues; this one may configure, write and read nothing.
  const user = `capstone-test-gate-${uniqueSuffix()}`;

  beforeAll(async () => {
    vhost = await createTestVhost('topology-gate');
    await management('PUT', `/api/users/${user}`, { password: 'gate', tags: '' });
    await management('PUT', `/api/permissions/${encodeURIComponent(vhost.name)}/${user}`, {
      configure: '^$',
      write: '^$',
      read: '^$',
    });
  });

  afterAll(async () => {
    await management('DELETE', `/api/users/${user}`);
    await vhost?.drop();
  });

  it('is done once the topology is declared, as a user with no permission on any queue sees it', async () => {
    expect(await brokerTopologyDeclared(as(vhost.url, user, 'gate')).pending()).toEqual([]);
  });

  it('lists the exchange and the queues missing until broker-topology declares them again', async () => {
    const connection = await amqp.connect(vhost.url);
    try {
      const channel = await connection.createChannel();
      const [eventsQueue] = brokerTopology.eventsQueues;
      if (!eventsQueue) throw new Error('the topology has no events queue');
      await channel.deleteQueue(deadLetterQueueOf(eventsQueue.queue));
      await channel.deleteExchange(EVENTS_EXCHANGE);
      const step = brokerTopologyDeclared(as(vhost.url, user, 'gate'));

      expect(await step.pending()).toEqual([
        `exchange ${EVENTS_EXCHANGE}`,
        `queue ${deadLetterQueueOf(eventsQueue.queue)}`,
      ]);

      await declareBrokerTopology(channel);
      expect(await step.pending()).toEqual([]);
    } finally {
      await connection.close();
    }
  });

  it('counts a broker that does not answer yet as pending, and fails at once on a refused login', async () => {
    const port = await freePort();
    const nowhere = new URL(vhost.url);
    nowhere.port = String(port);
    expect(await brokerTopologyDeclared(nowhere.toString()).pending()).toEqual([
      expect.stringMatching(`^amqp://guest@127.0.0.1:${port}/.* does not answer: `),
    ]);

    await expect(brokerTopologyDeclared(as(vhost.url, user, 'wrong')).pending()).rejects.toThrow(
      /ACCESS_REFUSED/,
    );
  });
});
