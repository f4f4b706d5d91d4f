import { createTestDatabase, type TestDatabase } from './postgres.js';
import { createTestVhost, type TestVhost } from './rabbitmq.js';

/**
 * The stores of one service under test that keeps its data in PostgreSQL and talks over RabbitMQ:
 * a database and a virtual host of its own.
 */
export interface TestServiceStores {
  readonly database: TestDatabase;
  readonly vhost: TestVhost;
  /** The service's variables that point it at them. */
  readonly env: { readonly DATABASE_URL: string; readonly AMQP_URL: string };
  drop(): Promise<void>;
}

export async function createTestServiceStores(label: string): Promise<TestServiceStores> {
  const [database, vhost] = await Promise.all([createTestDatabase(label), createTestVhost(label)]);
  return {
    database,
    vhost,
    env: { DATABASE_URL: database.url, AMQP_URL: vhost.url },
    drop: async () => {
      await Promise.all([database.drop(), vhost.drop()]);
    },
  };
}
