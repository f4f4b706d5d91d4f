import type { AuthResult, ClientInfo } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { OutboxMessage } from '@capstone/outbox';
import { DataSource } from 'typeorm';
import { describe, expect, it } from 'vitest';
import { AccountsService } from '../src/accounts/accounts.service.js';
import { SessionRefresh } from '../src/sessions/session-refresh.js';
import { SessionsService } from '../src/sessions/sessions.service.js';
import { useAuthContext } from './support/auth-context.js';

const client: ClientInfo = { ip: '203.0.113.9', userAgent: 'session security test' };
const password = 'the original passphrase';
let sequence = 0;

/** What a call answered: its value, or the ServiceError it was refused with. */
async function outcome<T>(work: Promise<T>): Promise<T | ServiceError> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
}

describe('session security on a real PostgreSQL database', () => {
  const context = useAuthContext('auth-sessions');
  const accounts = () => context.get(AccountsService);
  const refresh = (token: string) => context.get(SessionRefresh).refresh(token, client);
  const sql = <T>(query: string, parameters: unknown[]) =>
    context.get(DataSource).query<T>(query, parameters);

  /** A new account signed in twice: on a laptop (who changes things) and on a phone. */
  async function accountOnTwoDevices(): Promise<{ laptop: AuthResult; phone: AuthResult }> {
    sequence += 1;
    const email = `holder${sequence}@example.com`;
    const laptop = await accounts().register({
      email,
      username: `holder${sequence}`,
      password,
      client,
    });
    const phone = await accounts().login({ email, password, client });
    return { laptop, phone };
  }

  /** Moves the session's last password entry `minutes` into the past. */
  const authenticatedMinutesAgo = (sessionId: string, minutes: number) =>
    sql(`UPDATE sessions SET authenticated_at = now() - make_interval(mins => $2) WHERE id = $1`, [
      sessionId,
      minutes,
    ]);

  const revokedReason = async (sessionId: string) =>
    (
      await sql<{ revoked_reason: string | null }[]>(
        'SELECT revoked_reason FROM sessions WHERE id = $1',
        [sessionId],
      )
    )[0]?.revoked_reason;

  describe('a password or email change', () => {
    it.each([
      ['password', () => ({ password: 'a brand new passphrase' })],
      ['email', () => ({ email: `moved${sequence}@example.net` })],
    ] as const)(
      'after a %s change, ends every other session at once and keeps the current one',
      async (change, changes) => {
        const { laptop, phone } = await accountOnTwoDevices();
        await accounts().updateUser({
          userId: laptop.user.id,
          sessionId: laptop.tokens.sessionId,
          changes: changes(),
        });

        expect(await outcome(refresh(phone.tokens.refreshToken))).toMatchObject({ status: 401 });
        expect(await revokedReason(phone.tokens.sessionId)).toBe(`${change} changed`);
        const announced = await context
          .get(DataSource)
          .getRepository(OutboxMessage)
          .findBy({ name: 'session.revoked' });
        expect(announced.map((event) => (event.data as { sessionId: string }).sessionId)).toContain(
          phone.tokens.sessionId,
        );
        expect(await outcome(refresh(laptop.tokens.refreshToken))).not.toBeInstanceOf(ServiceError);
      },
    );

    it('leaves the other sessions alone after a change of name or bio', async () => {
      const { laptop, phone } = await accountOnTwoDevices();
      await accounts().updateUser({
        userId: laptop.user.id,
        sessionId: laptop.tokens.sessionId,
        changes: { username: `renamed${sequence}`, bio: 'new bio' },
      });
      expect(await revokedReason(phone.tokens.sessionId)).toBeNull();
    });

    it('asks for the current password once the sudo window has passed, and accepts the right one', async () => {
      const { laptop, phone } = await accountOnTwoDevices();
      const { sessionId } = laptop.tokens;
      await authenticatedMinutesAgo(sessionId, 11);
      const change = (currentPassword?: string) =>
        outcome(
          accounts().updateUser({
            userId: laptop.user.id,
            sessionId,
            changes: { password: 'a brand new passphrase' },
            ...(currentPassword === undefined ? {} : { currentPassword }),
          }),
        );

      expect(await change()).toMatchObject({
        status: 403,
        errors: { currentPassword: ['is required to change the password'] },
      });
      expect(await change('not my password')).toMatchObject({
        status: 403,
        errors: { currentPassword: ['is invalid'] },
      });
      expect(await revokedReason(phone.tokens.sessionId)).toBeNull();

      expect(await change(password)).not.toBeInstanceOf(ServiceError);
      expect(await revokedReason(phone.tokens.sessionId)).toBe('password changed');
      // Giving the password opened the window again: a second change needs no password.
      expect(
        await outcome(
          accounts().updateUser({
            userId: laptop.user.id,
            sessionId,
            changes: { email: `again${sequence}@example.com` },
          }),
        ),
      ).not.toBeInstanceOf(ServiceError);
    });

    it('keeps the time of the last password entry across refreshes', async () => {
      const { laptop } = await accountOnTwoDevices();
      await authenticatedMinutesAgo(laptop.tokens.sessionId, 11);
      const refreshed = await refresh(laptop.tokens.refreshToken);
      const attempt = await outcome(
        accounts().updateUser({
          userId: laptop.user.id,
          sessionId: refreshed.tokens.sessionId,
          changes: { password: 'a brand new passphrase' },
        }),
      );
      expect(attempt).toMatchObject({ status: 403 });
    });

    it('signs out everywhere else on request, and not the session that asks', async () => {
      const { laptop, phone } = await accountOnTwoDevices();
      const revoked = await context
        .get(DataSource)
        .transaction((manager) =>
          context
            .get(SessionsService)
            .revokeOthers(manager, laptop.user.id, laptop.tokens.sessionId, 'signed out elsewhere'),
        );
      expect(revoked).toBe(1);
      expect(await revokedReason(phone.tokens.sessionId)).toBe('signed out elsewhere');
      expect(await revokedReason(laptop.tokens.sessionId)).toBeNull();
    });
  });

  describe('a refresh token presented twice', () => {
    it('gives simultaneous refreshes the same new token and keeps the session', async () => {
      const { laptop } = await accountOnTwoDevices();
      const results = await Promise.all(
        Array.from({ length: 4 }, () => refresh(laptop.tokens.refreshToken)),
      );
      const issued = new Set(results.map((result) => result.tokens.refreshToken));
      expect(issued.size).toBe(1);
      expect([...issued][0]).not.toBe(laptop.tokens.refreshToken);

      const next = await outcome(refresh([...issued][0] ?? ''));
      expect(next).not.toBeInstanceOf(ServiceError);
      expect(await revokedReason(laptop.tokens.sessionId)).toBeNull();
    });

    it('still treats the replaced token as stolen once the grace has passed', async () => {
      const { laptop } = await accountOnTwoDevices();
      await refresh(laptop.tokens.refreshToken);
      await sql(`UPDATE sessions SET rotated_at = now() - interval '31 seconds' WHERE id = $1`, [
        laptop.tokens.sessionId,
      ]);
      expect(await outcome(refresh(laptop.tokens.refreshToken))).toMatchObject({
        status: 401,
        errors: { refreshToken: ['was already used; the session has been revoked'] },
      });
      expect(await revokedReason(laptop.tokens.sessionId)).toBe('refresh token reused');
    });

    it('treats a token two rotations old as stolen, even within the grace', async () => {
      const { laptop } = await accountOnTwoDevices();
      const first = await refresh(laptop.tokens.refreshToken);
      await refresh(first.tokens.refreshToken);
      expect(await outcome(refresh(laptop.tokens.refreshToken))).toMatchObject({ status: 401 });
      expect(await revokedReason(laptop.tokens.sessionId)).toBe('refresh token reused');
    });
  });
});
