import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AccessTokenVerifier, InvalidTokenError } from '@capstone/security';
import { exportPKCS8, generateKeyPair } from 'jose';
import { loadAuthConfig } from '../auth.config.js';
import { AccessTokenIssuer } from './access-token.issuer.js';
import {
  formatRefreshToken,
  hashRefreshSecret,
  newRefreshSecret,
  parseRefreshToken,
  refreshSecretMatches,
  successorSecret,
} from './refresh-token.js';
import { ensureSigningKeyFile } from './signing-key-file.js';
import { configuredKeyPem, PUBLISHED_DEVELOPMENT_KEY_IDS, SigningKey } from './signing-key.js';

const claims = {
  sub: 'b7e4c1a0-0000-4000-8000-000000000001',
  username: 'alice',
  role: 'user',
  sid: 's-1',
} as const;

describe('refresh tokens', () => {
  const sessionId = '6f1c2b9e-3d4a-4c5b-8e7f-0a1b2c3d4e5f';

  it('round-trips session id and secret', () => {
    const secret = newRefreshSecret();
    expect(parseRefreshToken(formatRefreshToken({ sessionId, secret }))).toEqual({
      sessionId,
      secret,
    });
  });

  it('makes a different 256-bit secret every time', () => {
    const secrets = new Set(Array.from({ length: 50 }, newRefreshSecret));
    expect(secrets.size).toBe(50);
    expect(Buffer.from([...secrets][0] ?? '', 'base64url')).toHaveLength(32);
  });

  it('rejects anything that is not a session id and a secret', () => {
    const secret = newRefreshSecret();
    for (const bad of [
      '',
      'abc',
      `${sessionId}`,
      `${sessionId}.`,
      `not-a-uuid.${secret}`,
      `${sessionId}.${secret}.x`,
      `${sessionId}.short`,
    ]) {
      expect(parseRefreshToken(bad)).toBeUndefined();
    }
  });

  it('stores only a hash, which matches its own secret and no other', () => {
    const secret = newRefreshSecret();
    const stored = hashRefreshSecret(secret);
    expect(stored).not.toContain(secret);
    expect(refreshSecretMatches(secret, stored)).toBe(true);
    expect(refreshSecretMatches(newRefreshSecret(), stored)).toBe(false);
  });
});

describe('access tokens', () => {
  const config = loadAuthConfig({ NODE_ENV: 'test' });

  it('are signed with ES256, carry the key id and verify against the published key', async () => {
    const key = await SigningKey.load(undefined);
    const token = await new AccessTokenIssuer(key, config).issue(claims);
    const header = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString());
    expect(header).toEqual({ alg: 'ES256', kid: key.keyId, typ: 'JWT' });

    const verifier = new AccessTokenVerifier(async () => key.jwks(), {
      issuer: 'capstone-auth',
      audience: 'capstone',
    });
    expect(await verifier.verify(token)).toEqual(claims);
  });

  it('expire after the configured lifetime', async () => {
    const key = await SigningKey.load(undefined);
    const token = await new AccessTokenIssuer(key, {
      ...config,
      ACCESS_TOKEN_TTL_SECONDS: 900,
    }).issue(claims);
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    expect(payload.exp - payload.iat).toBe(900);
  });

  it('are refused when signed by a key that is not published', async () => {
    const published = await SigningKey.load(undefined);
    const other = await SigningKey.load(undefined);
    const token = await new AccessTokenIssuer(other, config).issue(claims);
    const verifier = new AccessTokenVerifier(async () => published.jwks(), {
      issuer: 'capstone-auth',
      audience: 'capstone',
    });
    await expect(verifier.verify(token)).rejects.toBeInstanceOf(InvalidTokenError);
  });

  it('use a configured PEM key, whose id stays the same across restarts', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const pem = await exportPKCS8(privateKey);
    const first = await SigningKey.load(pem);
    const second = await SigningKey.load(pem.replace(/\n/g, '\n'));
    expect(first.keyId).toBe(second.keyId);
    expect(first.publicJwk).not.toHaveProperty('d');
  });

  it('refuses a key whose id is among the refused ones, as production refuses published development keys', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const pem = await exportPKCS8(privateKey);
    const { keyId } = await SigningKey.load(pem);
    await expect(SigningKey.load(pem, new Set([keyId]))).rejects.toThrow(
      /JWT_PRIVATE_KEY: is a development key published in git/,
    );
    expect(PUBLISHED_DEVELOPMENT_KEY_IDS.size).toBeGreaterThan(0);
  });

  it('reads the key from JWT_PRIVATE_KEY_FILE, naming that variable when the file cannot be read', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'signing-key-'));
    try {
      const file = join(directory, 'jwt-private.pem');
      expect(await ensureSigningKeyFile(file)).toBe('created');
      expect(await ensureSigningKeyFile(file)).toBe('kept');
      const pem = await configuredKeyPem({ JWT_PRIVATE_KEY_FILE: file });
      expect(pem).toBe(readFileSync(file, 'utf8'));
      await expect(SigningKey.load(pem)).resolves.toBeInstanceOf(SigningKey);
      await expect(
        configuredKeyPem({ JWT_PRIVATE_KEY_FILE: join(directory, 'missing.pem') }),
      ).rejects.toThrow(/JWT_PRIVATE_KEY_FILE: cannot be read \(ENOENT/);
    } finally {
      rmSync(directory, { recursive: true });
    }
  });

  it('derives the same refresh-token key from the same signing key, and another from another', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const pem = await exportPKCS8(privateKey);
    const [first, again, other] = await Promise.all([
      SigningKey.load(pem),
      SigningKey.load(pem),
      SigningKey.load(undefined),
    ]);
    expect(first.refreshTokenKey.equals(again.refreshTokenKey)).toBe(true);
    expect(first.refreshTokenKey.equals(other.refreshTokenKey)).toBe(false);
    expect(successorSecret(first.refreshTokenKey, 'a'.repeat(43))).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a configured key that is not a P-256 PKCS#8 PEM, naming the variable', async () => {
    const { privateKey: rsa } = await generateKeyPair('RS256', { extractable: true });
    for (const bad of ['not a key', await exportPKCS8(rsa)]) {
      await expect(SigningKey.load(bad)).rejects.toThrow(
        /JWT_PRIVATE_KEY: is not a PKCS#8 PEM private key/,
      );
    }
  });
});
