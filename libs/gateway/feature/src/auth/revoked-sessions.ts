import { Inject, Injectable, Logger } from '@nestjs/common';
import type { SessionRevocations } from '@capstone/security';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { GatewayRedis } from '../throttle/redis.provider.js';

/**
 * Sessions ended before their access tokens expire, kept in Redis (shared by every gateway
 * replica) as long as such a token can live. Without Redis, tokens are accepted until they expire,
 * as they would be without this list: availability is kept, and the lifetime is short.
 */
@Injectable()
export class RevokedSessions implements SessionRevocations {
  private readonly logger = new Logger(RevokedSessions.name);

  constructor(
    private readonly redis: GatewayRedis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async revoke(sessionId: string): Promise<void> {
    try {
      await this.redis.set(this.key(sessionId), '1', 'EX', this.config.ACCESS_TOKEN_TTL_SECONDS);
    } catch (error) {
      this.logger.warn(
        `revoked session not recorded: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  async isRevoked(sessionId: string): Promise<boolean> {
    try {
      return (await this.redis.exists(this.key(sessionId))) === 1;
    } catch (error) {
      this.logger.warn(
        `revocation not checked: ${error instanceof Error ? error.message : String(error)}`,
      );
      return false;
    }
  }

  private key(sessionId: string): string {
    return `revoked-session:${sessionId}`;
  }
}
