import type { AuthResult, ClientInfo } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { AccountsService } from '../src/accounts/accounts.service.js';
import { PURGE_ENDED_SESSIONS_SQL, SessionPurge } from '../src/sessions/session-purge.js';
import { SessionRefresh } from '../src/sessions/session-refresh.js';
import { useAuthContext } from './support/auth-context.js';

const client: ClientInfo = { ip: '203.0.113.7', userAgent: 'session purge test' };
const password = 'a passphrase for the purge';

describe('the purge of ended sessions on a real PostgreSQL database', () => {
  const context = useAuthContext('auth-session-purge');
  const sql = <T>(query: string, parameters: unknown[] = []) =>
    context.get(DataSource).query<T>(query, parameters);
  const refresh = (token: string) => context.get(SessionRefresh).refresh(token, client);
  const refusal = async (token: string) => {
    try {
      await refresh(token);
    } catch (error) {
      if (error instanceof ServiceError) return [error.status, error.errors];
      throw error;
    }
    return undefined;
  };
  const sessionIds = async () =>
    (await sql<{ id: string }[]>('SELECT id FROM sessions')).map((row) => row.id).sort();

  /** One account signed in on `devices` devices. */
  async function signedIn(devices: number): Promise<AuthResult[]> {
    const accounts = context.get(AccountsService);
    const email = 'purged@example.com';
    const first = await accounts.register({ email, username: 'purged', password, client });
    const others = [];
    for (let device = 1; device < devices; device += 1) {
      others.push(await accounts.login({ email, password, client }));
    }
    return [first, ...others];
  }

  const age = (sessionId: string, column: 'revoked_at' | 'expires_at', days: number) =>
    sql(`UPDATE sessions SET ${column} = now() - make_interval(days => $2) WHERE id = $1`, [
      sessionId,
      days,
    ]);

  it('deletes sessions ended past the retention (30 days), keeps the rest, and refreshes behave as before', async () => {
    const [live, revokedLongAgo, expiredLongAgo, revokedLately, expiredLately] = await signedIn(5);
    if (!live || !revokedLongAgo || !expiredLongAgo || !revokedLately || !expiredLately) {
      throw new Error('expected five sessions');
    }
    const rotated = await refresh(live.tokens.refreshToken);
    await age(revokedLongAgo.tokens.sessionId, 'revoked_at', 31);
    await age(expiredLongAgo.tokens.sessionId, 'expires_at', 31);
    await age(revokedLately.tokens.sessionId, 'revoked_at', 29);
    await age(expiredLately.tokens.sessionId, 'expires_at', 1);

    expect(await context.get(SessionPurge).purge()).toBe(2);
    expect(await sessionIds()).toEqual(
      [live, revokedLately, expiredLately].map((device) => device.tokens.sessionId).sort(),
    );

    // The replaced token is still honoured within its grace, with the same successor.
    const again = await refresh(live.tokens.refreshToken);
    expect(again.tokens.refreshToken).toBe(rotated.tokens.refreshToken);
    // A deleted session's token is refused exactly as a revoked one's.
    const refused = [401, { refreshToken: ['is invalid or expired'] }];
    expect(await refusal(revokedLongAgo.tokens.refreshToken)).toEqual(refused);
    expect(await refusal(revokedLately.tokens.refreshToken)).toEqual(refused);
    // And reuse past the grace still revokes the live session.
    await sql(`UPDATE sessions SET rotated_at = now() - interval '31 seconds' WHERE id = $1`, [
      live.tokens.sessionId,
    ]);
    expect(await refusal(live.tokens.refreshToken)).toEqual([
      401,
      { refreshToken: ['was already used; the session has been revoked'] },
    ]);
  });

  it('finds the ended sessions through sessions_ended_idx, not by reading every session', async () => {
    const [{ id: userId } = { id: '' }] = await sql<{ id: string }[]>(
      'SELECT id FROM users LIMIT 1',
    );
    // Enough sessions for the planner to prefer an index when there is one.
    await sql(
      `INSERT INTO sessions (user_id, refresh_token_hash, expires_at)
       SELECT $1, md5(n::text), now() + n * interval '1 minute' FROM generate_series(1, 20000) AS n`,
      [userId],
    );
    await sql('ANALYZE sessions');
    const plan = (
      await sql<{ 'QUERY PLAN': string }[]>(`EXPLAIN ${PURGE_ENDED_SESSIONS_SQL}`, [30, 1_000])
    )
      .map((line) => line['QUERY PLAN'])
      .join('\n');
    expect(plan).toContain('sessions_ended_idx');
  });
});
