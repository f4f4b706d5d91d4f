import { createTestDatabase, type TestDatabase } from '@capstone/testing';
import pg from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { afterEach } from 'vitest';

/** A migration class that runs one statement up and one down, as TypeORM loads them. */
export function migration(name: string, up: string, down: string): new () => MigrationInterface {
  return class implements MigrationInterface {
    name = name;
    async up(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(up);
    }
    async down(queryRunner: QueryRunner): Promise<void> {
      await queryRunner.query(down);
    }
  };
}

/** A migration that creates one table, and drops it on the way down. */
export function tableMigration(name: string, table: string): new () => MigrationInterface {
  return migration(name, `CREATE TABLE ${table} (id int PRIMARY KEY)`, `DROP TABLE ${table}`);
}

/** The tables of a database's public schema, by name. */
export async function tables(url: string): Promise<string[]> {
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

/**
 * Registers what to undo after each test of the file (databases, proxies), undone last first;
 * returns the function that registers one.
 */
export function useCleanups(): (cleanup: () => Promise<void>) => void {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return (cleanup) => {
    cleanups.push(cleanup);
  };
}

/** A fresh database, dropped after the test. */
export async function testDatabase(
  label: string,
  defer: (cleanup: () => Promise<void>) => void,
): Promise<TestDatabase> {
  const created = await createTestDatabase(label);
  defer(() => created.drop());
  return created;
}
