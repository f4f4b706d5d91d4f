import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccessTokenClaims } from '@capstone/contracts';
import { AccessTokenVerifier, InvalidTokenError } from '@capstone/security';
import { exportPKCS8, exportSPKI, generateKeyPair } from 'jose';
import { loadAuthConfig } from '../auth.config.js';
import { AccessTokenIssuer } from './access-token.issuer.js';
import { configuredSigningKey, SigningKey } from './signing-key.js';

const claims: AccessTokenClaims = {
  sub: 'b7e4c1a0-0000-4000-8000-000000000001',
  username: 'alice',
  role: 'user',
  sid: 's-1',
};
const config = loadAuthConfig({ NODE_ENV: 'test' });

async function newKeyPems(): Promise<{ privatePem: string; publicPem: string }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privatePem: await exportPKCS8(privateKey), publicPem: await exportSPKI(publicKey) };
}

describe('a signing key rotation', () => {
  // Only the clock is fake: the verifier's key cache ages with it.
  beforeEach(() => vi.useFakeTimers({ toFake: ['Date'] }));
  afterEach(() => vi.useRealTimers());

  it('keeps tokens of the previous key verifying while its public key is listed, and not after', async () => {
    const [previous, next] = await Promise.all([newKeyPems(), newKeyPems()]);
    const beforeRotation = await new AccessTokenIssuer(
      await SigningKey.load(previous.privatePem),
      config,
    ).issue(claims);

    let running = await SigningKey.load(next.privatePem, undefined, previous.publicPem);
    const verifier = new AccessTokenVerifier(async () => running.jwks(), {
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      keysMaxAgeMs: 5 * 60_000,
    });
    const afterRotation = await new AccessTokenIssuer(running, config).issue(claims);
    expect(await verifier.verify(beforeRotation)).toEqual(claims);
    expect(await verifier.verify(afterRotation)).toEqual(claims);

    running = await SigningKey.load(next.privatePem);
    vi.advanceTimersByTime(5 * 60_000);
    await expect(verifier.verify(beforeRotation)).rejects.toEqual(new InvalidTokenError('invalid'));
    expect(await verifier.verify(afterRotation)).toEqual(claims);
  });

  it('publishes the extra public keys of the configuration, given on one line with \\n escapes', async () => {
    const [signing, previous, upcoming] = await Promise.all([
      newKeyPems(),
      newKeyPems(),
      newKeyPems(),
    ]);
    const key = await configuredSigningKey(
      loadAuthConfig({
        NODE_ENV: 'test',
        JWT_PRIVATE_KEY: signing.privatePem,
        JWT_EXTRA_PUBLIC_KEYS: `${previous.publicPem}${upcoming.publicPem}`.replace(/\n/g, '\\n'),
      }),
    );
    const published = key.jwks().keys;
    expect(published.map((jwk) => jwk.kid)).toEqual([
      key.keyId,
      (await SigningKey.load(previous.privatePem)).keyId,
      (await SigningKey.load(upcoming.privatePem)).keyId,
    ]);
    for (const jwk of published) {
      expect(jwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(jwk).not.toHaveProperty('d');
    }
  });

  it('publishes the signing key once when it is listed among the extra keys too', async () => {
    const signing = await newKeyPems();
    const key = await SigningKey.load(signing.privatePem, undefined, signing.publicPem);
    expect(key.jwks().keys).toHaveLength(1);
  });

  it('refuses extra keys that are not P-256 public keys, naming the variable', async () => {
    const { publicKey: rsa } = await generateKeyPair('RS256', { extractable: true });
    const { publicPem } = await newKeyPems();
    const problem = /JWT_EXTRA_PUBLIC_KEYS: is not a list of PEM public keys on the P-256 curve/;
    for (const bad of ['not a key', await exportSPKI(rsa), `${publicPem}trailing text`]) {
      await expect(SigningKey.load(undefined, undefined, bad)).rejects.toThrow(problem);
    }
  });

  it('refuses a refused key among the extra ones, as production refuses published development keys', async () => {
    const previous = await newKeyPems();
    const { keyId } = await SigningKey.load(previous.privatePem);
    await expect(SigningKey.load(undefined, new Set([keyId]), previous.publicPem)).rejects.toThrow(
      /JWT_EXTRA_PUBLIC_KEYS: is a development key published in git/,
    );
  });
});
