import { setTimeout as delay } from 'node:timers/promises';
import { SignJWT } from 'jose';
import { waitFor } from '@capstone/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAccount, signUp, startStack, type Stack } from './support/stack.js';

interface SignedIn {
  user: { token: string; refreshToken: string };
}
interface SessionList {
  sessions: { id: string; current: boolean; userAgent: string | null }[];
}

describe('sessions, refresh tokens and access tokens', () => {
  let stack: Stack;

  beforeAll(async () => {
    // A grace of one second, so that a replay after it can be tested without a long wait.
    stack = await startStack('sessions', { auth: { REFRESH_REUSE_GRACE_SECONDS: 1 } });
  });

  /** Waits out the grace in which a replaced refresh token counts as a retry, not as a theft. */
  const pastTheGrace = () => delay(1_100);

  afterAll(() => stack?.stop());

  const refresh = (refreshToken: string) =>
    stack.api.request<SignedIn>('POST', '/api/auth/refresh', { body: { refreshToken } });

  const login = async (account: { email: string; password: string }, userAgent = 'vitest') => {
    const response = await stack.api.request<SignedIn>('POST', '/api/users/login', {
      body: { user: { email: account.email, password: account.password } },
      headers: { 'user-agent': userAgent },
    });
    expect(response.status).toBe(200);
    return response.body.user;
  };

  it('refresh gives a new access token and rotates the refresh token', async () => {
    const account = await signUp(stack.api);
    const first = await refresh(account.refreshToken);
    expect(first.status).toBe(200);
    expect(first.body.user.refreshToken).not.toBe(account.refreshToken);
    expect(
      (await stack.api.request('GET', '/api/user', { token: first.body.user.token })).status,
    ).toBe(200);

    const second = await refresh(first.body.user.refreshToken);
    expect(second.status).toBe(200);
  });

  it('revokes the whole session when an old refresh token is used again', async () => {
    const account = await signUp(stack.api);
    const rotated = await refresh(account.refreshToken);
    expect(rotated.status).toBe(200);

    await pastTheGrace();
    const replay = await refresh(account.refreshToken);
    expect(replay.status).toBe(401);
    expect(replay.body).toEqual({
      errors: { refreshToken: ['was already used; the session has been revoked'] },
    });

    // The legitimate holder's newer token dies with the session.
    const legitimate = await refresh(rotated.body.user.refreshToken);
    expect(legitimate.status).toBe(401);
  });

  it('answers 401 or 422 for refresh tokens that are forged, malformed or missing', async () => {
    expect((await refresh('00000000-0000-4000-8000-000000000000.' + 'a'.repeat(43))).status).toBe(
      401,
    );
    expect((await refresh('not a token')).status).toBe(401);
    const missing = await stack.api.request('POST', '/api/auth/refresh', { body: {} });
    expect(missing.status).toBe(422);
    expect(missing.body).toEqual({ errors: { refreshToken: ["can't be blank"] } });
  });

  it('lists the active sessions, marks the current one, and revokes another', async () => {
    const account = await signUp(stack.api);
    const laptop = await login(account, 'laptop browser');
    const phone = await login(account, 'phone app');

    const listed = await stack.api.request<SessionList>('GET', '/api/auth/sessions', {
      token: laptop.token,
    });
    expect(listed.status).toBe(200);
    expect(listed.body.sessions).toHaveLength(3);
    const current = listed.body.sessions.filter((session) => session.current);
    expect(current).toHaveLength(1);
    expect(current[0]?.userAgent).toBe('laptop browser');

    const phoneSession = listed.body.sessions.find((session) => session.userAgent === 'phone app');
    const revoked = await stack.api.request('DELETE', `/api/auth/sessions/${phoneSession?.id}`, {
      token: laptop.token,
    });
    expect(revoked.status).toBe(204);

    const after = await stack.api.request<SessionList>('GET', '/api/auth/sessions', {
      token: laptop.token,
    });
    expect(after.body.sessions.map((session) => session.id)).not.toContain(phoneSession?.id);
    expect((await refresh(phone.refreshToken)).status).toBe(401);
  });

  it("does not let a user see or revoke another user's session", async () => {
    const alice = await signUp(stack.api);
    const mallory = await signUp(stack.api);
    const aliceSessions = await stack.api.request<SessionList>('GET', '/api/auth/sessions', {
      token: alice.token,
    });
    const aliceSession = aliceSessions.body.sessions[0]?.id;

    const malloryView = await stack.api.request<SessionList>('GET', '/api/auth/sessions', {
      token: mallory.token,
    });
    expect(malloryView.body.sessions.map((session) => session.id)).not.toContain(aliceSession);

    const attempt = await stack.api.request('DELETE', `/api/auth/sessions/${aliceSession}`, {
      token: mallory.token,
    });
    expect(attempt.status).toBe(404);
    expect(attempt.body).toEqual({ errors: { session: ['not found'] } });
    expect((await refresh(alice.refreshToken)).status).toBe(200);

    for (const id of ['not-a-uuid', 'nope']) {
      const missing = await stack.api.request('DELETE', `/api/auth/sessions/${id}`, {
        token: mallory.token,
      });
      expect([missing.status, missing.body], id).toEqual([
        404,
        { errors: { session: ['not found'] } },
      ]);
    }
  });

  it("refuses a revoked session's access token at once: after logout, revocation and refresh-token reuse", async () => {
    const user = (token: string) => stack.api.request('GET', '/api/user', { token });

    const loggedOut = await signUp(stack.api);
    await stack.api.request('POST', '/api/auth/logout', { token: loggedOut.token });
    const afterLogout = await user(loggedOut.token);
    expect(afterLogout.status).toBe(401);
    expect(afterLogout.body).toEqual({ errors: { token: ['has been revoked'] } });

    const account = await signUp(stack.api);
    const other = await login(account, 'other device');
    const sessions = await stack.api.request<SessionList>('GET', '/api/auth/sessions', {
      token: account.token,
    });
    const otherSession = sessions.body.sessions.find(
      (session) => session.userAgent === 'other device',
    );
    await stack.api.request('DELETE', `/api/auth/sessions/${otherSession?.id}`, {
      token: account.token,
    });
    expect((await user(other.token)).status).toBe(401);
    expect((await user(account.token)).status).toBe(200);

    // Auth ends this session itself; the gateway learns it from the session.revoked event.
    const victim = await signUp(stack.api);
    await refresh(victim.refreshToken);
    await pastTheGrace();
    await refresh(victim.refreshToken);
    await waitFor(async () => ((await user(victim.token)).status === 401 ? true : undefined), {
      what: 'the session.revoked event to reach the gateway',
    });
  });

  it('logout ends the current session only', async () => {
    const account = await signUp(stack.api);
    const other = await login(account);
    const logout = await stack.api.request('POST', '/api/auth/logout', { token: account.token });
    expect(logout.status).toBe(204);
    expect((await refresh(account.refreshToken)).status).toBe(401);
    expect((await refresh(other.refreshToken)).status).toBe(200);
  });

  describe('access tokens the gateway refuses with 401', () => {
    const forge = async (build: (jwt: SignJWT) => SignJWT, subject: string) =>
      build(
        new SignJWT({
          username: 'someone',
          role: 'user',
          sid: '00000000-0000-4000-8000-000000000000',
        })
          .setSubject(subject)
          .setIssuer(stack.authConfig.JWT_ISSUER)
          .setAudience(stack.authConfig.JWT_AUDIENCE)
          .setIssuedAt(),
      );

    it('an expired token, even with a valid signature', async () => {
      const account = await signUp(stack.api);
      const jwks = await stack.api.request<{ keys: { kid: string }[] }>('GET', '/api/auth/jwks');
      const kid = jwks.body.keys[0]?.kid ?? '';
      const token = await (
        await forge((jwt) => jwt.setExpirationTime('-1m'), account.username)
      )
        .setProtectedHeader({ alg: 'ES256', kid })
        .sign(stack.signingKey);
      const response = await stack.api.request('GET', '/api/user', { token });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ errors: { token: ['has expired'] } });
    });

    it('a token whose payload was changed', async () => {
      const account = await signUp(stack.api);
      const [header, payload, signature] = account.token.split('.');
      const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
      const elevated = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString(
        'base64url',
      );
      const response = await stack.api.request('GET', '/api/user', {
        token: `${header}.${elevated}.${signature}`,
      });
      expect(response.status).toBe(401);
      expect(response.body).toEqual({ errors: { token: ['is invalid'] } });
    });

    it('an unsigned token (alg: none)', async () => {
      const account = await signUp(stack.api);
      const [, payload] = account.token.split('.');
      const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
      const response = await stack.api.request('GET', '/api/user', {
        token: `${header}.${payload}.`,
      });
      expect(response.status).toBe(401);
    });

    it('a token signed with a shared secret (HS256) instead of the auth key', async () => {
      const jwks = await stack.api.request<{ keys: object[] }>('GET', '/api/auth/jwks');
      const secret = new TextEncoder().encode(JSON.stringify(jwks.body.keys[0]));
      const token = await (
        await forge((jwt) => jwt.setExpirationTime('5m'), newAccount().username)
      )
        .setProtectedHeader({ alg: 'HS256' })
        .sign(secret);
      expect((await stack.api.request('GET', '/api/user', { token })).status).toBe(401);
    });
  });

  it('publishes the public signing key, and only the public part', async () => {
    const response = await stack.api.request<{ keys: Record<string, unknown>[] }>(
      'GET',
      '/api/auth/jwks',
    );
    expect(response.status).toBe(200);
    expect(response.body.keys).toEqual([
      expect.objectContaining({
        kty: 'EC',
        crv: 'P-256',
        alg: 'ES256',
        use: 'sig',
        kid: expect.any(String),
      }),
    ]);
    expect(response.body.keys[0]).not.toHaveProperty('d');
  });
});
