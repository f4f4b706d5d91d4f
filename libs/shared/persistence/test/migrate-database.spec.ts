import { TcpProxy, testInfrastructure } from '@capstone/testing';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrateDatabase } from '../src/index.js';
import {
  migration,
  tableMigration,
  tables,
  testDatabase,
  useCleanups,
} from './support/migrations.js';

const CreateNotes1700000000000 = tableMigration('CreateNotes1700000000000', 'notes');
const BrokenMigration1700000000001 = migration(
  'BrokenMigration1700000000001',
  'ALTER TABLE no_such_table ADD COLUMN x int',
  'ALTER TABLE no_such_table DROP COLUMN x',
);

const postgres = new URL(testInfrastructure.postgresUrl);
const fastWait = { timeoutMs: 10_000, retryEveryMs: 200 };

describe('migrateDatabase, the migrate step of a deployment', () => {
  const defer = useCleanups();
  const database = () => testDatabase('migrate', defer);

  it('waits for a PostgreSQL that is not listening yet, then applies the migrations', async () => {
    const target = await database();
    const proxy = await TcpProxy.start({ host: postgres.hostname, port: Number(postgres.port) });
    defer(() => proxy.cut());
    await proxy.cut();
    const retries: string[] = [];
    setTimeout(() => void proxy.restore(), 1_000);

    const applied = await migrateDatabase(
      { type: 'postgres', url: proxy.rewrite(target.url), migrations: [CreateNotes1700000000000] },
      { ...fastWait, onRetry: (reason) => retries.push(reason) },
    );

    expect(applied).toEqual(['CreateNotes1700000000000']);
    expect(retries.length).toBeGreaterThan(0);
    expect(retries[0]).toMatch(/ECONNREFUSED/);
    expect(await tables(target.url)).toContain('notes');
  });

  it('waits for the database the init scripts have not created yet', async () => {
    const name = `capstone_test_migrate_late_${Date.now().toString(36)}`;
    const url = new URL(testInfrastructure.postgresUrl);
    url.pathname = `/${name}`;
    const admin = new pg.Client({ connectionString: testInfrastructure.postgresUrl });
    await admin.connect();
    defer(async () => {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    });
    const retries: string[] = [];
    setTimeout(() => void admin.query(`CREATE DATABASE "${name}"`), 800);

    const applied = await migrateDatabase(
      { type: 'postgres', url: url.toString(), migrations: [CreateNotes1700000000000] },
      { ...fastWait, onRetry: (reason) => retries.push(reason) },
    );

    expect(applied).toEqual(['CreateNotes1700000000000']);
    expect(retries[0]).toContain(`database "${name}" does not exist`);
  });

  it('gives up after the wait with a message that names the server and the database', async () => {
    const proxy = await TcpProxy.start({ host: postgres.hostname, port: Number(postgres.port) });
    await proxy.cut();
    const url = proxy.rewrite(`${testInfrastructure.postgresUrl.replace(/\/[^/]*$/, '')}/auth`);

    await expect(
      migrateDatabase(
        { type: 'postgres', url, migrations: [CreateNotes1700000000000] },
        { timeoutMs: 1_000, retryEveryMs: 200 },
      ),
    ).rejects.toThrow(`127.0.0.1:${proxy.port}/auth did not answer within 1 s: `);
  });

  it('does not retry a migration that fails: the error is final at once', async () => {
    const target = await database();
    const retries: string[] = [];

    await expect(
      migrateDatabase(
        {
          type: 'postgres',
          url: target.url,
          migrations: [CreateNotes1700000000000, BrokenMigration1700000000001],
        },
        { ...fastWait, onRetry: (reason) => retries.push(reason) },
      ),
    ).rejects.toThrow('relation "no_such_table" does not exist');
    expect(retries).toEqual([]);
    // Each migration ran in its own transaction: the first one stays applied.
    expect(await tables(target.url)).toEqual(expect.arrayContaining(['migrations', 'notes']));
  });
});
