import { hkdfSync } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ConfigError } from '@capstone/config';
import { errorMessage } from '@capstone/errors';
import type { JsonWebKeySet, PublicJwk } from '@capstone/contracts';
import { ACCESS_TOKEN_ALGORITHM } from '@capstone/security';
import { exportJWK, generateKeyPair, importPKCS8, type CryptoKey } from 'jose';
import type { AuthConfig } from '../auth.config.js';
import { extraPublicJwks, publishedJwk } from './public-keys.js';

/**
 * Ids of keys that were once committed to this repository for development. They are public, so
 * anyone can sign tokens with them: production refuses them.
 */
export const PUBLISHED_DEVELOPMENT_KEY_IDS: ReadonlySet<string> = new Set([
  'PxPQRC0XpAb__xm_bOuWWVN4ojuXQUYqwJoCr1nHOjQ',
  'ZJu1iiAMZvOj4nEk5x1lkdci3qO0yNkR_OSPI2NYGNE',
]);

/**
 * The key that signs access tokens, with its public half as published in the JWKS, and the other
 * public keys published with it during a rotation.
 */
export class SigningKey {
  private constructor(
    readonly privateKey: CryptoKey,
    readonly publicJwk: PublicJwk,
    private readonly extraJwks: readonly PublicJwk[],
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
   * Loads the configured PEM, or makes a throw-away key (development and tests only), to publish
   * with the public keys in `extraPublicKeysPem`. A key whose id is in `refused` (production
   * passes the published development keys) is refused, signing or only published.
   */
  static async load(
    privateKeyPem: string | undefined,
    refused: ReadonlySet<string> = new Set(),
    extraPublicKeysPem?: string,
  ): Promise<SigningKey> {
    const privateKey = privateKeyPem
      ? await importConfiguredKey(privateKeyPem)
      : (await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true })).privateKey;
    const { d: secret, ...publicPart } = await exportJWK(privateKey);
    const publicJwk = await publishedJwk(publicPart);
    const { kid } = publicJwk;
    const extraJwks = (await extraPublicJwks(extraPublicKeysPem)).filter(
      (extra) => extra.kid !== kid,
    );
    if (refused.has(kid)) throw publishedDevelopmentKey('JWT_PRIVATE_KEY');
    if (extraJwks.some((extra) => refused.has(extra.kid))) {
      throw publishedDevelopmentKey('JWT_EXTRA_PUBLIC_KEYS');
    }
    const refreshTokenKey = Buffer.from(
      hkdfSync('sha256', secret ?? '', kid, 'capstone refresh-token successors', 32),
    );
    return new SigningKey(privateKey, publicJwk, extraJwks, refreshTokenKey);
  }

  jwks(): JsonWebKeySet {
    return { keys: [this.publicJwk, ...this.extraJwks] };
  }
}

/** The signing key and the extra public keys the configuration names, as the service runs with. */
export async function configuredSigningKey(config: AuthConfig): Promise<SigningKey> {
  return SigningKey.load(
    await configuredKeyPem(config),
    config.NODE_ENV === 'production' ? PUBLISHED_DEVELOPMENT_KEY_IDS : undefined,
    config.JWT_EXTRA_PUBLIC_KEYS,
  );
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

function publishedDevelopmentKey(variable: string): ConfigError {
  return new ConfigError([
    `${variable}: is a development key published in git; generate your own (see apps/auth/README.md)`,
  ]);
}

async function importConfiguredKey(pem: string): Promise<CryptoKey> {
  try {
    return await importPKCS8(pem, ACCESS_TOKEN_ALGORITHM, { extractable: true });
  } catch {
    throw new ConfigError(['JWT_PRIVATE_KEY: is not a PKCS#8 PEM private key on the P-256 curve']);
  }
}
