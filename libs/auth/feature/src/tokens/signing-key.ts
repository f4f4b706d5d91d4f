import { hkdfSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConfigError } from '@capstone/config';
import { errorMessage } from '@capstone/errors';
import type { JsonWebKeySet, PublicJwk } from '@capstone/contracts';
import { ACCESS_TOKEN_ALGORITHM } from '@capstone/security';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importPKCS8,
  type CryptoKey,
} from 'jose';

/**
 * Ids of keys that were once committed to this repository for development. They are public, so
 * anyone can sign tokens with them: production refuses them.
 */
export const PUBLISHED_DEVELOPMENT_KEY_IDS: ReadonlySet<string> = new Set([
  'PxPQRC0XpAb__xm_bOuWWVN4ojuXQUYqwJoCr1nHOjQ',
  'ZJu1iiAMZvOj4nEk5x1lkdci3qO0yNkR_OSPI2NYGNE',
]);

/** The key that signs access tokens, with its public half as published in the JWKS. */
export class SigningKey {
  private constructor(
    readonly privateKey: CryptoKey,
    readonly publicJwk: PublicJwk,
    /**
     * A secret of its own derived from the private key (HKDF, so it reveals nothing of the key):
     * what makes each refresh token's successor (`successorSecret`). Every replica derives the
     * same one, and no other setting has to be kept secret for it.
     */
    readonly refreshTokenKey: Buffer,
  ) {}

  get keyId(): string {
    return this.publicJwk.kid;
  }

  /**
   * Loads the configured PEM, or makes a throw-away key (development and tests only). A key
   * whose id is in `refused` (production passes the published development keys) is refused.
   */
  static async load(
    privateKeyPem: string | undefined,
    refused: ReadonlySet<string> = new Set(),
  ): Promise<SigningKey> {
    const privateKey = privateKeyPem
      ? await importConfiguredKey(privateKeyPem)
      : (await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true })).privateKey;
    const { d: secret, ...publicPart } = await exportJWK(privateKey);
    // The key id is the RFC 7638 thumbprint: stable for a key, different for the next one.
    const kid = await calculateJwkThumbprint(publicPart);
    if (refused.has(kid)) {
      throw new ConfigError([
        'JWT_PRIVATE_KEY: is a development key published in git; generate your own (see apps/auth/README.md)',
      ]);
    }
    const refreshTokenKey = Buffer.from(
      hkdfSync('sha256', secret ?? '', kid, 'capstone refresh-token successors', 32),
    );
    return new SigningKey(
      privateKey,
      { ...publicPart, kty: 'EC', kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' },
      refreshTokenKey,
    );
  }

  jwks(): JsonWebKeySet {
    return { keys: [this.publicJwk] };
  }
}

/**
 * The configured signing key: `JWT_PRIVATE_KEY`, or the file `JWT_PRIVATE_KEY_FILE` names (a
 * mounted Secret, compose's generated key), read when the service starts.
 */
export async function configuredKeyPem(config: {
  readonly JWT_PRIVATE_KEY?: string | undefined;
  readonly JWT_PRIVATE_KEY_FILE?: string | undefined;
}): Promise<string | undefined> {
  if (config.JWT_PRIVATE_KEY || !config.JWT_PRIVATE_KEY_FILE) return config.JWT_PRIVATE_KEY;
  try {
    return await readFile(config.JWT_PRIVATE_KEY_FILE, 'utf8');
  } catch (error) {
    throw new ConfigError([`JWT_PRIVATE_KEY_FILE: cannot be read (${errorMessage(error)})`]);
  }
}

async function importConfiguredKey(pem: string): Promise<CryptoKey> {
  try {
    return await importPKCS8(pem, ACCESS_TOKEN_ALGORITHM, { extractable: true });
  } catch {
    throw new ConfigError(['JWT_PRIVATE_KEY: is not a PKCS#8 PEM private key on the P-256 curve']);
  }
}
