import { declareBrokerTopology } from '@capstone/messaging';
import { TestBrokerChannel } from './broker-channel.js';
import { testInfrastructure, uniqueSuffix } from './infrastructure.js';

export interface TestVhost {
  readonly name: string;
  /** An AMQP URL whose virtual host no other test run uses. */
  readonly url: string;
  drop(): Promise<void>;
  /** The routing keys that bind `queue` to `exchange` in this virtual host, sorted. */
  bindingsOf(queue: string, exchange: string): Promise<string[]>;
  /**
   * How many of the queue's messages wait and how many are out with consumers, unacknowledged, as
   * the management API last sampled them (every few seconds: poll for a value).
   */
  messagesOf(queue: string): Promise<{ ready: number; unacknowledged: number }>;
}

async function management(method: string, path: string, body?: unknown): Promise<Response> {
  const base = new URL(testInfrastructure.rabbitManagementUrl);
  const auth = Buffer.from(
    `${decodeURIComponent(base.username)}:${decodeURIComponent(base.password)}`,
  ).toString('base64');
  base.username = '';
  base.password = '';
  const response = await fetch(new URL(path, base), {
    method,
    headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  });
  if (!response.ok && response.status !== 404) {
    throw new Error(`RabbitMQ management ${method} ${path} answered ${response.status}`);
  }
  return response;
}

/**
 * Creates a RabbitMQ virtual host for one test file, so its queues and exchanges are its own, with
 * the broker topology declared as a deployment's `broker-topology` one-shot declares it.
 */
export async function createTestVhost(label: string): Promise<TestVhost> {
  const name = `capstone-test-${label}-${uniqueSuffix()}`;
  const user = decodeURIComponent(new URL(testInfrastructure.amqpUrl).username || 'guest');
  await management('PUT', `/api/vhosts/${encodeURIComponent(name)}`, {});
  await management(
    'PUT',
    `/api/permissions/${encodeURIComponent(name)}/${encodeURIComponent(user)}`,
    {
      configure: '.*',
      write: '.*',
      read: '.*',
    },
  );
  const url = new URL(testInfrastructure.amqpUrl);
  url.pathname = `/${encodeURIComponent(name)}`;
  const broker = await TestBrokerChannel.open(url.toString());
  await declareBrokerTopology(broker.channel).finally(() => broker.close());
  return {
    name,
    url: url.toString(),
    drop: async () => void (await management('DELETE', `/api/vhosts/${encodeURIComponent(name)}`)),
    bindingsOf: async (queue, exchange) => {
      const path = `/api/queues/${encodeURIComponent(name)}/${encodeURIComponent(queue)}/bindings`;
      const bindings = (await (await management('GET', path)).json()) as {
        source: string;
        routing_key: string;
      }[];
      return bindings
        .filter((binding) => binding.source === exchange)
        .map((binding) => binding.routing_key)
        .sort();
    },
    messagesOf: async (queue) => {
      const path = `/api/queues/${encodeURIComponent(name)}/${encodeURIComponent(queue)}`;
      const stats = (await (await management('GET', path)).json()) as {
        messages_ready?: number;
        messages_unacknowledged?: number;
      };
      return {
        ready: stats.messages_ready ?? 0,
        unacknowledged: stats.messages_unacknowledged ?? 0,
      };
    },
  };
}
