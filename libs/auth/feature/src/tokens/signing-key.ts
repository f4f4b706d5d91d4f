import { ConfigError } from '@capstone/config';
import type { JsonWebKeySet, PublicJwk } from '@capstone/contracts';
import { ACCESS_TOKEN_ALGORITHM } from '@capstone/security';
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importPKCS8,
  type CryptoKey,
} from 'jose';

/** The key that signs access tokens, with its public half as published in the JWKS. */
export class SigningKey {
  private constructor(
    readonly privateKey: CryptoKey,
    readonly publicJwk: PublicJwk,
  ) {}

  get keyId(): string {
    return this.publicJwk.kid;
  }

  /** Loads the configured PEM, or makes a throw-away key (development and tests only). */
  static async load(privateKeyPem: string | undefined): Promise<SigningKey> {
    const privateKey = privateKeyPem
      ? await importConfiguredKey(privateKeyPem)
      : (await generateKeyPair(ACCESS_TOKEN_ALGORITHM, { extractable: true })).privateKey;
    const { d: _secret, ...publicPart } = await exportJWK(privateKey);
    // The key id is the RFC 7638 thumbprint: stable for a key, different for the next one.
    const kid = await calculateJwkThumbprint(publicPart);
    return new SigningKey(privateKey, {
      ...publicPart,
      kty: 'EC',
      kid,
      alg: ACCESS_TOKEN_ALGORITHM,
      use: 'sig',
    });
  }

  jwks(): JsonWebKeySet {
    return { keys: [this.publicJwk] };
  }
}

async function importConfiguredKey(pem: string): Promise<CryptoKey> {
  try {
    return await importPKCS8(pem, ACCESS_TOKEN_ALGORITHM, { extractable: true });
  } catch {
    throw new ConfigError(['JWT_PRIVATE_KEY: is not a PKCS#8 PEM private key on the P-256 curve']);
  }
}
