import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A refresh token is `<session id>.<secret>`. The session id finds the row; the secret is 32
 * random bytes of which only a SHA-256 hash is stored. A fast hash is enough here: unlike a
 * password, the secret has 256 bits of entropy and cannot be guessed.
 */
export interface RefreshToken {
  readonly sessionId: string;
  readonly secret: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;

export function newRefreshSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * The secret that replaces `secret` when it is refreshed: a keyed hash of it, so that a refresh
 * presented twice (two tabs, a retry after a lost reply) can be given the same new token again
 * without storing it, while whoever holds an old token cannot work out its successor.
 */
export function successorSecret(key: Buffer, secret: string): string {
  return createHmac('sha256', key).update(secret).digest('base64url');
}

export function formatRefreshToken(token: RefreshToken): string {
  return `${token.sessionId}.${token.secret}`;
}

export function parseRefreshToken(value: string): RefreshToken | undefined {
  const [sessionId, secret, ...rest] = value.split('.');
  if (rest.length > 0 || !sessionId || !secret || !UUID.test(sessionId) || !SECRET.test(secret)) {
    return undefined;
  }
  return { sessionId, secret };
}

export function hashRefreshSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function refreshSecretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashRefreshSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
