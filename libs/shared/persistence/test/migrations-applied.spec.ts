import {
  createTestDatabase,
  TcpProxy,
  testInfrastructure,
  type TestDatabase,
} from '@capstone/testing';
import pg from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateDatabase, migrationsApplied } from '../src/index.js';

/** A migration class that creates one table, as TypeORM loads them. */
function migration(name: string, table: string): new () => MigrationInterface {
  return class implements MigrationInterface {
    name = name;
    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`CREATE TABLE ${table} (id int PRIMARY KEY)`);
    }
    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(`DROP TABLE ${table}`);
    }
  };
}

const CreateNotes1700000000000 = migration('CreateNotes1700000000000', 'notes');
const CreateTags1700000000001 = migration('CreateTags1700000000001', 'tags');

async function tables(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ tablename: string }>(
      "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    return result.rows.map((row) => row.tablename);
  } finally {
    await client.end();
  }
}

describe('migrationsApplied, the deploy step an app’s pods wait for', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function database(): Promise<TestDatabase> {
    const created = await createTestDatabase('gate');
    cleanups.push(() => created.drop());
    return created;
  }

  it('lists every migration of the code until the migrate step has applied them, writing nothing', async () => {
    const target = await database();
    const options = {
      type: 'postgres' as const,
      url: target.url,
      migrations: [CreateNotes1700000000000, CreateTags1700000000001],
    };
    const where = new URL(target.url);
    const on = `${where.host}${where.pathname}`;

    expect(await migrationsApplied(options).pending()).toEqual([
      `migration CreateNotes1700000000000 on ${on}`,
      `migration CreateTags1700000000001 on ${on}`,
    ]);
    expect(await tables(target.url), 'not even the migrations table').toEqual([]);

    await migrateDatabase(
      { ...options, migrations: [CreateNotes1700000000000] },
      { timeoutMs: 5_000, retryEveryMs: 200 },
    );
    expect(await migrationsApplied(options).pending()).toEqual([
      `migration CreateTags1700000000001 on ${on}`,
    ]);

    await migrateDatabase(options, { timeoutMs: 5_000, retryEveryMs: 200 });
    expect(await migrationsApplied(options).pending()).toEqual([]);
  });

  it('counts a database that does not answer yet as pending, not as a failure', async () => {
    const postgres = new URL(testInfrastructure.postgresUrl);
    const proxy = await TcpProxy.start({ host: postgres.hostname, port: Number(postgres.port) });
    cleanups.push(() => proxy.cut());
    await proxy.cut();
    const url = proxy.rewrite(`${testInfrastructure.postgresUrl.replace(/\/[^/]*$/, '')}/auth`);

    const pending = await migrationsApplied({
      type: 'postgres',
      url,
      migrations: [CreateNotes1700000000000],
    }).pending();

    expect(pending).toEqual([
      expect.stringMatching(`^127.0.0.1:${proxy.port}/auth does not answer: `),
    ]);
  });
});
