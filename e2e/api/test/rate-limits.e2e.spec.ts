import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeArticle } from './support/blog.js';
import { newAccount, signUp, startStack, type ApiResponse, type Stack } from './support/stack.js';

const tooMany = { errors: { requests: ['are too many; try again later'] } };

/** What a client is told once over a limit: 429, when to come back, and why. */
function expectLimited(response: ApiResponse) {
  expect(response.status).toBe(429);
  expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(response.body).toEqual(tooMany);
}

/**
 * Limits on what costs the services or changes data (OWASP API4: unrestricted resource
 * consumption), per client address and per account, with small limits so that a test reaches
 * them. The gateway trusts one proxy hop, so each test names its client's address.
 */
describe('rate limits through the gateway', () => {
  let stack: Stack;
  const limit = (points: number) => ({ points, windowSeconds: 3600 });

  beforeAll(async () => {
    stack = await startStack('rate-limits', {
      gateway: {
        TRUST_PROXY: 1,
        RATE_LIMIT_SIGN_UPS_PER_ADDRESS: limit(2),
        RATE_LIMIT_REFRESHES_PER_ADDRESS: limit(2),
        RATE_LIMIT_PROFILE_CHANGES_PER_ACCOUNT: limit(2),
        RATE_LIMIT_WRITES_PER_ACCOUNT: limit(3),
        RATE_LIMIT_WRITES_PER_ADDRESS: limit(5),
      },
    });
  });

  afterAll(() => stack?.stop());

  let addressCounter = 0;
  const newAddress = () => `203.0.113.${(addressCounter += 1)}`;
  const from = (address: string) => ({ 'x-forwarded-for': address });

  /** An account made from an address of its own, so that sign-up limits do not interfere. */
  const accountFrom = (address = newAddress()) =>
    stack.api
      .request<{ user: { token: string; refreshToken: string } }>('POST', '/api/users', {
        body: { user: newAccount() },
        headers: from(address),
      })
      .then((response) => response.body.user);

  it('limits sign-ups per address, and not those from another address', async () => {
    const address = newAddress();
    const signUpFrom = (client: string) =>
      stack.api.request('POST', '/api/users', {
        body: { user: newAccount() },
        headers: from(client),
      });
    expect((await signUpFrom(address)).status).toBe(201);
    expect((await signUpFrom(address)).status).toBe(201);
    expectLimited(await signUpFrom(address));
    expect((await signUpFrom(newAddress())).status).toBe(201);
  });

  it('limits token refreshes per address', async () => {
    const address = newAddress();
    let { refreshToken } = await accountFrom();
    for (let i = 0; i < 2; i += 1) {
      const refreshed = await stack.api.request<{ user: { refreshToken: string } }>(
        'POST',
        '/api/auth/refresh',
        { body: { refreshToken }, headers: from(address) },
      );
      expect(refreshed.status).toBe(200);
      refreshToken = refreshed.body.user.refreshToken;
    }
    expectLimited(
      await stack.api.request('POST', '/api/auth/refresh', {
        body: { refreshToken },
        headers: from(address),
      }),
    );
  });

  it('limits profile changes per account', async () => {
    const { token } = await accountFrom();
    const change = (bio: string) =>
      stack.api.request('PUT', '/api/user', {
        token,
        body: { user: { bio } },
        headers: from(newAddress()),
      });
    expect((await change('one')).status).toBe(200);
    expect((await change('two')).status).toBe(200);
    expectLimited(await change('three'));
  });

  it('limits writes per account, whatever the address', async () => {
    const { token } = await accountFrom();
    for (let i = 0; i < 3; i += 1) {
      const written = await stack.api.request('POST', '/api/articles', {
        token,
        body: { article: { title: `Post ${i}`, description: 'd', body: 'b' } },
        headers: from(newAddress()),
      });
      expect(written.status).toBe(201);
    }
    expectLimited(
      await stack.api.request('POST', '/api/articles', {
        token,
        body: { article: { title: 'One too many', description: 'd', body: 'b' } },
        headers: from(newAddress()),
      }),
    );
  });

  it('limits writes per address, over all its accounts', async () => {
    const office = newAddress();
    const accounts = await Promise.all([accountFrom(), accountFrom(), accountFrom()]);
    const statuses: number[] = [];
    for (const { token } of [...accounts, ...accounts]) {
      const written = await stack.api.request('POST', '/api/articles', {
        token,
        body: { article: { title: 'From the office', description: 'd', body: 'b' } },
        headers: from(office),
      });
      statuses.push(written.status);
    }
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
  });

  it('does not limit reads', async () => {
    const author = await signUp(stack.api);
    const { slug } = await writeArticle(stack.api, author.token);
    const address = newAddress();
    for (let i = 0; i < 10; i += 1) {
      expect(
        (await stack.api.request('GET', `/api/articles/${slug}`, { headers: from(address) }))
          .status,
      ).toBe(200);
    }
  });
});

describe('client addresses without a trusted proxy', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack('rate-limits-no-proxy', {
      gateway: { RATE_LIMIT_SIGN_UPS_PER_ADDRESS: { points: 2, windowSeconds: 3600 } },
    });
  });

  afterAll(() => stack?.stop());

  it('ignores an X-Forwarded-For the client wrote itself, so a limit cannot be dodged with it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await stack.api.request('POST', '/api/users', {
        body: { user: newAccount() },
        headers: { 'x-forwarded-for': `192.0.2.${i + 1}` },
      });
      statuses.push(response.status);
    }
    expect(statuses).toEqual([201, 201, 429]);
  });
});
