import { Logger } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { errorMessage } from '@capstone/errors';

/**
 * Sessions ended before their access tokens expire (logout, revocation, a reused refresh token),
 * kept in Redis, shared by every replica, for as long as such a token can live. Without Redis,
 * tokens are accepted until they expire, as they would be without this list: availability is
 * kept, and the token lifetime bounds the risk. Satisfies `SessionRevocations` of the security lib.
 */
export class RevokedSessionStore {
  private readonly logger = new Logger(RevokedSessionStore.name);

  constructor(
    private readonly redis: Redis,
    private readonly accessTokenTtlSeconds: number,
  ) {}

  async revoke(sessionId: string): Promise<void> {
    try {
      await this.redis.set(this.key(sessionId), '1', 'EX', this.accessTokenTtlSeconds);
    } catch (error) {
      this.logger.warn(`revoked session not recorded: ${errorMessage(error)}`);
    }
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
