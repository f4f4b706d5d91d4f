import type { ClientInfo } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { OutboxMessage } from '@capstone/outbox';
import { migrateUpAndDown } from '@capstone/testing';
import { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { AccountsService } from '../src/accounts/accounts.service.js';
import { authDataSourceOptions } from '../src/persistence/auth-data-source.js';
import { useAuthContext } from './support/auth-context.js';

const client: ClientInfo = { ip: '203.0.113.7', userAgent: 'integration test' };
let sequence = 0;
const account = () => {
  sequence += 1;
  return {
    email: `person${sequence}@example.com`,
    username: `person${sequence}`,
    password: 'long enough password',
    client,
  };
};

async function settle<T>(
  work: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: ServiceError }> {
  try {
    return { ok: true, value: await work };
  } catch (error) {
    if (error instanceof ServiceError) return { ok: false, error };
    throw error;
  }
}

describe('auth service on a real PostgreSQL database', () => {
  const context = useAuthContext('auth-int');
  const accounts = () => context.get(AccountsService);
  const dataSource = () => context.get(DataSource);

  it('writes the user and its user.registered event in one transaction', async () => {
    const result = await accounts().register(account());
    const events = await dataSource()
      .getRepository(OutboxMessage)
      .findBy({ name: 'user.registered' });
    expect(events.map((event) => (event.data as { userId: string }).userId)).toContain(
      result.user.id,
    );
  });

  it('lets exactly one of two simultaneous sign-ups with the same email win, whatever the case', async () => {
    const base = account();
    const results = await Promise.all([
      settle(accounts().register({ ...base, username: `${base.username}a` })),
      settle(
        accounts().register({
          ...base,
          email: base.email.toUpperCase(),
          username: `${base.username}b`,
        }),
      ),
    ]);
    expect(results.filter((result) => result.ok)).toHaveLength(1);
    const failure = results.find((result) => !result.ok);
    expect(failure && !failure.ok && failure.error.errors).toEqual({
      email: ['has already been taken'],
    });
  });

  it('stores refresh tokens only as hashes', async () => {
    const { tokens } = await accounts().register(account());
    const rows: { refresh_token_hash: string }[] = await dataSource().query(
      'SELECT refresh_token_hash FROM sessions WHERE id = $1',
      [tokens.sessionId],
    );
    const secret = tokens.refreshToken.split('.')[1] ?? '';
    expect(rows[0]?.refresh_token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(rows[0]?.refresh_token_hash).not.toContain(secret);
  });
});

describe('auth migrations', () => {
  it('create the schema from nothing and can be reverted completely', async () => {
    const roundTrip = await migrateUpAndDown('auth_migrations', (url) =>
      authDataSourceOptions(url, false),
    );
    expect(roundTrip).toEqual({
      applied: [
        'CreateOutbox1764000000000',
        'CreateAccounts1764000000001',
        'AddOutboxTraceContext1766000000000',
        'SessionSecurity1766000000001',
        'OutboxClaimsAndPurge1767000000000',
        'SessionsEndedIndex1767000000001',
      ],
      tables: ['outbox', 'sessions', 'users'],
      appliedAgain: 0,
      tablesAfterUndo: [],
    });
  });
});
