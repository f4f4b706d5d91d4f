import { Logger, type FactoryProvider, type InjectionToken } from '@nestjs/common';
import { errorMessage } from '@capstone/errors';
import type { Redis } from 'ioredis';

/**
 * Sessions ended before their tokens expire (logout, revocation, a stolen refresh token). The
 * access-token guard asks about every token's session; without a provider, tokens live until expiry.
 */
export interface SessionRevocations {
  /** Remembers the session as ended; rejects when that cannot be recorded, so it can be retried. */
  revoke(sessionId: string): Promise<void>;
  isRevoked(sessionId: string): Promise<boolean>;
}

export const SESSION_REVOCATIONS = Symbol('SESSION_REVOCATIONS');

/**
 * Sessions ended before their access tokens expire (logout, revocation, a reused refresh token),
 * kept in Redis, shared by every replica, for as long as such a token can live. Without Redis,
 * tokens are accepted until they expire, as they would be without this list: availability is
 * kept, and the token lifetime bounds the risk. A revocation that cannot be written fails, so
 * that the `session.revoked` event carrying it is not acknowledged but delivered again.
 */
export class RevokedSessionStore implements SessionRevocations {
  private readonly logger = new Logger(RevokedSessionStore.name);

  constructor(
    private readonly redis: Redis,
    private readonly accessTokenTtlSeconds: number,
  ) {}

  async revoke(sessionId: string): Promise<void> {
    await this.redis.set(this.key(sessionId), '1', 'EX', this.accessTokenTtlSeconds);
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    try {
      return (await this.redis.exists(this.key(sessionId))) === 1;
    } catch (error) {
      this.logger.warn(`revocation not checked: ${errorMessage(error)}`);
      return false;
    }
  }

  private key(sessionId: string): string {
    return `revoked-session:${sessionId}`;
  }
}

/**
 * Provides `SESSION_REVOCATIONS` from the app's Redis connection (the token it is provided under),
 * remembering a revoked session for as long as the configuration says access tokens live.
 */
export function sessionRevocationsProvider(
  redis: InjectionToken,
  configToken: InjectionToken,
): FactoryProvider<SessionRevocations> {
  return {
    provide: SESSION_REVOCATIONS,
    inject: [redis, configToken],
    useFactory: (client: Redis, config: { readonly ACCESS_TOKEN_TTL_SECONDS: number }) =>
      new RevokedSessionStore(client, config.ACCESS_TOKEN_TTL_SECONDS),
  };
}
