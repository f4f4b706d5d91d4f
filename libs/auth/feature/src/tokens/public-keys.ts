import { ConfigError } from '@capstone/config';
import type { PublicJwk } from '@capstone/contracts';
import { ACCESS_TOKEN_ALGORITHM } from '@capstone/security';
import { calculateJwkThumbprint, exportJWK, importSPKI, type JWK } from 'jose';

/**
 * A public key as the JWKS publishes it. The key id is the RFC 7638 thumbprint: stable for a key,
 * different for the next one, and the same whether the key is signing or only published.
 */
export async function publishedJwk(publicPart: JWK): Promise<PublicJwk> {
  const kid = await calculateJwkThumbprint(publicPart);
  return { ...publicPart, kty: 'EC', kid, alg: ACCESS_TOKEN_ALGORITHM, use: 'sig' };
}

const PEM_PUBLIC_KEY = /-----BEGIN PUBLIC KEY-----[^-]+-----END PUBLIC KEY-----/g;

/**
 * Reads `JWT_EXTRA_PUBLIC_KEYS`: P-256 public keys (SPKI PEM, as `openssl pkey -pubout` writes
 * them), one after another, that the JWKS publishes besides the signing key's own, so that tokens
 * of the previous key verify until they expire after a rotation (see apps/auth/README.md).
 */
export async function extraPublicJwks(pems: string | undefined): Promise<PublicJwk[]> {
  const text = pems ?? '';
  if (text.replace(PEM_PUBLIC_KEY, '').trim() !== '') throw notPublicKeys();
  return Promise.all((text.match(PEM_PUBLIC_KEY) ?? []).map(publicJwkOfPem));
}

async function publicJwkOfPem(pem: string): Promise<PublicJwk> {
  try {
    return await publishedJwk(
      await exportJWK(await importSPKI(pem, ACCESS_TOKEN_ALGORITHM, { extractable: true })),
    );
  } catch {
    throw notPublicKeys();
  }
}

function notPublicKeys(): ConfigError {
  return new ConfigError([
    'JWT_EXTRA_PUBLIC_KEYS: is not a list of PEM public keys on the P-256 curve',
  ]);
}
