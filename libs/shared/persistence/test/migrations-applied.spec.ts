import { TcpProxy, testInfrastructure } from '@capstone/testing';
import { describe, expect, it } from 'vitest';
import { migrateDatabase, migrationsApplied } from '../src/index.js';
import { tableMigration, tables, testDatabase, useCleanups } from './support/migrations.js';

const CreateNotes1700000000000 = tableMigration('CreateNotes1700000000000', 'notes');
const CreateTags1700000000001 = tableMigration('CreateTags1700000000001', 'tags');

describe('migrationsApplied, the deploy step an app’s pods wait for', () => {
  const defer = useCleanups();
  const database = () => testDatabase('gate', defer);

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
    defer(() => proxy.cut());
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
