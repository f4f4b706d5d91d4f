import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { JsonWebKeySet, PublicJwk } from '@capstone/contracts';
import { AccessTokenVerifier, InvalidTokenError } from './access-token-verifier.js';
import type { JwksSource } from './jwks-cache.js';
import { tokenFromHeader } from './guards.js';

const policy = { issuer: 'capstone-auth', audience: 'capstone' };
const claims = { username: 'alice', role: 'user', sid: 'session-1' };

interface SigningKey {
  privateKey: CryptoKey;
  jwk: PublicJwk;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk: JWK = await exportJWK(publicKey);
  return { privateKey, jwk: { ...jwk, kty: 'EC', kid, alg: 'ES256', use: 'sig' } };
}

function sign(
  key: SigningKey,
  overrides: { expiresIn?: string; issuer?: string; extra?: object } = {},
) {
  return new SignJWT({ ...claims, ...overrides.extra })
    .setProtectedHeader({ alg: 'ES256', kid: key.jwk.kid })
    .setSubject('user-1')
    .setIssuer(overrides.issuer ?? policy.issuer)
    .setAudience(policy.audience)
    .setIssuedAt()
    .setExpirationTime(overrides.expiresIn ?? '5m')
    .sign(key.privateKey);
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('AccessTokenVerifier', () => {
  let current: SigningKey;
  let jwks: JsonWebKeySet;
  const source = vi.fn(async () => jwks);

  beforeAll(async () => {
    current = await signingKey('key-1');
    jwks = { keys: [current.jwk] };
  });

  const verifier = () => new AccessTokenVerifier(source, { ...policy, refreshCooldownMs: 0 });

  it('returns the claims of a valid token', async () => {
    expect(await verifier().verify(await sign(current))).toEqual({ sub: 'user-1', ...claims });
  });

  it('refuses an expired token as expired', async () => {
    const token = await sign(current, { expiresIn: '-1s' });
    await expect(verifier().verify(token)).rejects.toEqual(new InvalidTokenError('expired'));
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const [header, , signature] = (await sign(current)).split('.');
    const forged = `${header}.${base64url({ sub: 'admin-1', ...claims, role: 'admin', iss: policy.issuer, aud: policy.audience, exp: 9_999_999_999, iat: 1 })}.${signature}`;
    await expect(verifier().verify(forged)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('refuses an unsigned token (alg: none)', async () => {
    const payload = {
      sub: 'user-1',
      ...claims,
      iss: policy.issuer,
      aud: policy.audience,
      exp: 9_999_999_999,
      iat: 1,
    };
    const unsigned = `${base64url({ alg: 'none', kid: 'key-1' })}.${base64url(payload)}.`;
    await expect(verifier().verify(unsigned)).rejects.toEqual(new InvalidTokenError('invalid'));
  });

  it('refuses a token from another issuer or with an unknown role', async () => {
    await expect(
      verifier().verify(await sign(current, { issuer: 'someone-else' })),
    ).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(
      verifier().verify(await sign(current, { extra: { role: 'root' } })),
    ).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('refuses a signed token whose claims break the contract: no name, a session id that is a number', async () => {
    for (const extra of [{ username: undefined }, { sid: 7 }]) {
      await expect(verifier().verify(await sign(current, { extra }))).rejects.toEqual(
        new InvalidTokenError('invalid'),
      );
    }
  });

  it('fetches the keys once and again only for a key id it has not seen', async () => {
    source.mockClear();
    const subject = verifier();
    await subject.verify(await sign(current));
    await subject.verify(await sign(current));
    expect(source).toHaveBeenCalledTimes(1);

    const rotated = await signingKey('key-2');
    jwks = { keys: [current.jwk, rotated.jwk] };
    expect((await subject.verify(await sign(rotated))).sub).toBe('user-1');
    expect(source).toHaveBeenCalledTimes(2);
  });

  it('does not refetch keys for unknown key ids within the cool-down', async () => {
    source.mockClear();
    const subject = new AccessTokenVerifier(source, { ...policy, refreshCooldownMs: 60_000 });
    await subject.verify(await sign(current));
    const stranger = await signingKey('key-unknown');
    await expect(subject.verify(await sign(stranger))).rejects.toBeInstanceOf(InvalidTokenError);
    await expect(subject.verify(await sign(stranger))).rejects.toBeInstanceOf(InvalidTokenError);
    expect(source).toHaveBeenCalledTimes(1);
  });
});

describe('AccessTokenVerifier, over time', () => {
  const minutes = (count: number) => count * 60_000;
  let key: SigningKey;
  let next: SigningKey;

  beforeAll(async () => {
    [key, next] = await Promise.all([signingKey('key-a'), signingKey('key-b')]);
  });
  // Only the clock is fake: the crypto and the sources' own waits run for real.
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  const verifierOver = (source: JwksSource) =>
    new AccessTokenVerifier(source, {
      ...policy,
      refreshCooldownMs: 30_000,
      keysMaxAgeMs: minutes(5),
      failedFetchMemoryMs: 5_000,
      staleKeysAfterFailureMs: minutes(15),
    });
  const unreachable = new Error('auth cannot be reached');
  const tick = () => new Promise((resolve) => setImmediate(resolve));

  it('stops accepting a key withdrawn from the key set once the cached keys are older than their max age', async () => {
    let published: JsonWebKeySet = { keys: [key.jwk, next.jwk] };
    const source = vi.fn(async () => published);
    const verifier = verifierOver(source);
    const token = await sign(key, { expiresIn: '1h' });
    expect((await verifier.verify(token)).sub).toBe('user-1');

    published = { keys: [next.jwk] };
    vi.advanceTimersByTime(minutes(5) - 1);
    expect((await verifier.verify(token)).sub).toBe('user-1');
    vi.advanceTimersByTime(1);
    await expect(verifier.verify(token)).rejects.toEqual(new InvalidTokenError('invalid'));
    expect(source).toHaveBeenCalledTimes(2);
  });

  it('remembers a failed first load for a few seconds instead of asking the source for every token', async () => {
    const source = vi.fn<JwksSource>(async () => {
      throw unreachable;
    });
    const verifier = verifierOver(source);
    const token = await sign(key, { expiresIn: '1h' });
    for (let request = 0; request < 10; request++) {
      await expect(verifier.verify(token)).rejects.toBe(unreachable);
      vi.advanceTimersByTime(400);
    }
    expect(source).toHaveBeenCalledTimes(1);

    vi.advanceTimersByTime(1_000);
    source.mockImplementation(async () => ({ keys: [key.jwk] }));
    expect((await verifier.verify(token)).sub).toBe('user-1');
    expect(source).toHaveBeenCalledTimes(2);
  });

  it('shares one load between concurrent verifications, at the start and after the max age', async () => {
    const source = vi.fn(async () => {
      await tick();
      return { keys: [key.jwk] };
    });
    const verifier = verifierOver(source);
    const token = await sign(key, { expiresIn: '1h' });
    const verifyAtOnce = () =>
      Promise.all(Array.from({ length: 20 }, () => verifier.verify(token)));

    expect(await verifyAtOnce()).toHaveLength(20);
    expect(source).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(minutes(5));
    expect(await verifyAtOnce()).toHaveLength(20);
    expect(source).toHaveBeenCalledTimes(2);
  });

  it('keeps verifying with the last keys while auth cannot be reached, for a bounded while, then refuses as unavailable', async () => {
    const source = vi.fn<JwksSource>(async () => ({ keys: [key.jwk] }));
    const verifier = verifierOver(source);
    const token = await sign(key, { expiresIn: '1h' });
    await verifier.verify(token);

    source.mockImplementation(async () => {
      throw unreachable;
    });
    vi.advanceTimersByTime(minutes(5));
    expect((await verifier.verify(token)).sub).toBe('user-1');
    vi.advanceTimersByTime(minutes(15) - 1);
    expect((await verifier.verify(token)).sub).toBe('user-1');
    vi.advanceTimersByTime(1);
    await expect(verifier.verify(token)).rejects.toBe(unreachable);
    expect(source).toHaveBeenCalledTimes(3);
  });
});

describe('tokenFromHeader', () => {
  it('accepts the RealWorld and the Bearer scheme', () => {
    expect(tokenFromHeader('Token abc.def.ghi')).toBe('abc.def.ghi');
    expect(tokenFromHeader('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(tokenFromHeader('bearer abc.def.ghi')).toBe('abc.def.ghi');
  });

  it('rejects anything else', () => {
    for (const header of [
      undefined,
      '',
      'abc.def.ghi',
      'Basic dXNlcjpwYXNz',
      'Token',
      'Token a b',
    ]) {
      expect(tokenFromHeader(header)).toBeUndefined();
    }
  });
});
