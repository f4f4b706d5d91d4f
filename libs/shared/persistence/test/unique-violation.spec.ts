import { createTestDatabase, type TestDatabase } from '@capstone/testing';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isUniqueViolation } from '../src/index.js';

describe('isUniqueViolation on real PostgreSQL errors', () => {
  let database: TestDatabase;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createTestDatabase('persistence');
    dataSource = await new DataSource({ type: 'postgres', url: database.url }).initialize();
    await dataSource.query('CREATE TABLE people (id int PRIMARY KEY, email text NOT NULL)');
    await dataSource.query('CREATE UNIQUE INDEX people_email_unique ON people (lower(email))');
    await dataSource.query("INSERT INTO people VALUES (1, 'ada@example.com')");
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  async function failureOf(sql: string): Promise<unknown> {
    try {
      await dataSource.query(sql);
    } catch (error) {
      return error;
    }
    throw new Error('expected the statement to fail');
  }

  it('names the unique index a duplicate collided with', async () => {
    const error = await failureOf("INSERT INTO people VALUES (2, 'ADA@example.com')");
    expect(isUniqueViolation(error, 'people_email_unique')).toBe(true);
    expect(isUniqueViolation(error, 'people_pkey')).toBe(false);
  });

  it('tells other failures apart', async () => {
    expect(
      isUniqueViolation(
        await failureOf('INSERT INTO people VALUES (1, NULL)'),
        'people_email_unique',
      ),
    ).toBe(false);
    expect(isUniqueViolation(new Error('people_email_unique'), 'people_email_unique')).toBe(false);
  });
});
