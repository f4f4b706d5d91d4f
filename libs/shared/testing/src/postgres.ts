import pg from 'pg';
import { testInfrastructure, uniqueSuffix } from './infrastructure.js';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testInfrastructure.postgresUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty PostgreSQL database for one test file; `drop()` removes it and its connections. */
export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const name = `capstone_test_${label}_${uniqueSuffix()}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  await withAdminClient((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(testInfrastructure.postgresUrl);
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    drop: () =>
      withAdminClient((client) =>
        client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
      ).then(() => undefined),
  };
}
