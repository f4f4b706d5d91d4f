import { setTimeout as delay } from 'node:timers/promises';
import { TcpProxy, testInfrastructure, waitFor } from '@capstone/testing';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUp, startStack, type Stack } from './support/stack.js';

interface SignedIn {
  user: { token: string; refreshToken: string };
}

/**
 * The account findings of the OWASP API review (API2: broken authentication), through the
 * gateway as a client meets them. The gateway trusts one proxy hop here, so that each test can
 * speak from the client address it names in X-Forwarded-For.
 */
describe('account security through the gateway', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack('account-security', {
      gateway: { TRUST_PROXY: 1, LOGIN_MAX_FAILURES_PER_ACCOUNT_ANYWHERE: 10 },
    });
  });

  afterAll(() => stack?.stop());

  let addressCounter = 0;
  /** A client address of its own, as the trusted proxy reports it. */
  const newAddress = () => {
    addressCounter += 1;
    return `198.51.100.${addressCounter % 250}`;
  };

  const login = (email: string, password: string, address: string) =>
    stack.api.request<SignedIn>('POST', '/api/users/login', {
      body: { user: { email, password } },
      headers: { 'x-forwarded-for': address },
    });
  const refresh = (refreshToken: string) =>
    stack.api.request<SignedIn>('POST', '/api/auth/refresh', { body: { refreshToken } });
  const currentUser = (token: string) => stack.api.request('GET', '/api/user', { token });
  const updateUser = (token: string, user: Record<string, string>) =>
    stack.api.request('PUT', '/api/user', { token, body: { user } });

  /** The victim signs up on a laptop; an attacker holds a session of theirs from elsewhere. */
  async function victimAndAttacker() {
    const victim = await signUp(stack.api);
    const stolen = await login(victim.email, victim.password, newAddress());
    expect(stolen.status).toBe(200);
    return { victim, attacker: stolen.body.user };
  }

  describe('a password or email change', () => {
    it.each([
      ['password', { password: 'a fresh passphrase of mine' }],
      ['email', { email: `moved${Date.now()}@example.net` }],
    ])(
      'after a %s change, signs every other session out at once and keeps the current one',
      async (_change, changes) => {
        const { victim, attacker } = await victimAndAttacker();
        expect((await updateUser(victim.token, changes)).status).toBe(200);

        expect((await refresh(attacker.refreshToken)).status).toBe(401);
        await waitFor(
          async () => ((await currentUser(attacker.token)).status === 401 ? true : undefined),
          { what: "the attacker's access token to be refused" },
        );
        expect((await currentUser(victim.token)).status).toBe(200);
        expect((await refresh(victim.refreshToken)).status).toBe(200);
      },
    );

    it('asks for the current password once the sign-in is no longer recent', async () => {
      const account = await signUp(stack.api);
      const database = new pg.Client({ connectionString: stack.database.url });
      await database.connect();
      try {
        await database.query(
          `UPDATE sessions SET authenticated_at = now() - interval '11 minutes'`,
        );
      } finally {
        await database.end();
      }
      const change = (extra: Record<string, string> = {}) =>
        updateUser(account.token, { password: 'a fresh passphrase of mine', ...extra });

      expect(await change()).toMatchObject({
        status: 403,
        body: { errors: { currentPassword: ['is required to change the password'] } },
      });
      expect(await change({ currentPassword: 'not my password' })).toMatchObject({
        status: 403,
        body: { errors: { currentPassword: ['is invalid'] } },
      });
      expect((await change({ currentPassword: account.password })).status).toBe(200);
    });

    it('signs out everywhere else on request', async () => {
      const { victim, attacker } = await victimAndAttacker();
      const response = await stack.api.request('DELETE', '/api/auth/sessions', {
        token: victim.token,
      });
      expect(response).toMatchObject({ status: 200, body: { revoked: 1 } });
      expect((await refresh(attacker.refreshToken)).status).toBe(401);
      await waitFor(
        async () => ((await currentUser(attacker.token)).status === 401 ? true : undefined),
        { what: "the other session's access token to be refused" },
      );
      expect((await currentUser(victim.token)).status).toBe(200);
    });
  });

  it('gives two simultaneous refreshes of one token the same new pair, and keeps the session', async () => {
    const account = await signUp(stack.api);
    const [first, second] = await Promise.all([
      refresh(account.refreshToken),
      refresh(account.refreshToken),
    ]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body.user.refreshToken).toBe(first.body.user.refreshToken);
    expect((await refresh(first.body.user.refreshToken)).status).toBe(200);
  });

  describe('the login throttle', () => {
    it('counts parallel guesses before it lets them through: five reach the password check', async () => {
      const account = await signUp(stack.api);
      const address = newAddress();
      const answers = await Promise.all(
        Array.from({ length: 40 }, () => login(account.email, 'wrong password', address)),
      );
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 401)).toHaveLength(
        stack.gatewayConfig.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      );
      expect(statuses.filter((status) => status === 429)).toHaveLength(
        40 - stack.gatewayConfig.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      );
    });

    it('stops guesses from many addresses, yet lets the owner in from their usual address', async () => {
      const account = await signUp(stack.api);
      const usual = newAddress();
      expect((await login(account.email, account.password, usual)).status).toBe(200);

      const limit = stack.gatewayConfig.LOGIN_MAX_FAILURES_PER_ACCOUNT_ANYWHERE;
      for (let guess = 0; guess < limit; guess += 1) {
        expect((await login(account.email, 'wrong password', newAddress())).status).toBe(401);
      }
      const blocked = await login(account.email, account.password, newAddress());
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);

      expect((await login(account.email, account.password, usual)).status).toBe(200);
    });
  });
});

describe('a revocation while the gateway’s Redis is away', () => {
  let stack: Stack;
  let redis: TcpProxy;

  beforeAll(async () => {
    const { hostname, port } = new URL(testInfrastructure.redisUrl);
    redis = await TcpProxy.start({ host: hostname, port: Number(port) });
    stack = await startStack('revocation-outage', {
      gateway: { REDIS_URL: redis.rewrite(testInfrastructure.redisUrl) },
      auth: { REFRESH_REUSE_GRACE_SECONDS: 1 },
    });
  });

  afterAll(async () => {
    await stack?.stop();
    await redis?.cut();
  });

  it('is recorded once Redis is back, not acknowledged and lost', async () => {
    const account = await signUp(stack.api);
    const rotated = await stack.api.request('POST', '/api/auth/refresh', {
      body: { refreshToken: account.refreshToken },
    });
    expect(rotated.status).toBe(200);

    await redis.cut();
    await delay(1_100);
    // A replay past the grace: auth revokes the session and announces it while Redis is away.
    const replay = await stack.api.request('POST', '/api/auth/refresh', {
      body: { refreshToken: account.refreshToken },
    });
    expect(replay.status).toBe(401);
    await delay(1_000);
    await redis.restore();

    await waitFor(
      async () =>
        (await stack.api.request('GET', '/api/user', { token: account.token })).status === 401
          ? true
          : undefined,
      { timeoutMs: 15_000, what: 'the revoked session’s access token to be refused' },
    );
  });
});
