import { createHash } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { ErrorWithHeaders } from '../http/http-error.filter.js';
import { GatewayRedis } from '../redis/gateway-redis.js';
import { errorMessage } from '@capstone/errors';

/**
 * Limits failed logins per account and per client address within a window, in Redis so that every
 * gateway replica counts together. A success clears the account's count. If Redis is down, logins
 * are let through: availability is preferred, and argon2's cost still slows guessing down.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);

  constructor(
    private readonly redis: GatewayRedis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async assertAllowed(email: string, address: string | null): Promise<void> {
    const keys = this.keys(email, address);
    try {
      const results = await Promise.all(
        keys.map(async ({ key, max }) => ({ count: Number(await this.redis.get(key)), key, max })),
      );
      const blocked = results.find(({ count, max }) => count >= max);
      if (!blocked) return;
      const ttl = await this.redis.ttl(blocked.key);
      const retryAfter = String(ttl > 0 ? ttl : this.config.LOGIN_WINDOW_SECONDS);
      throw new ErrorWithHeaders(
        429,
        { login: ['too many failed attempts; try again later'] },
        { 'Retry-After': retryAfter },
      );
    } catch (error) {
      if (error instanceof ErrorWithHeaders) throw error;
      this.logger.warn(`login throttle skipped: ${errorMessage(error)}`);
    }
  }

  async recordFailure(email: string, address: string | null): Promise<void> {
    await this.bestEffort(async () => {
      const pipeline = this.redis.multi();
      for (const { key } of this.keys(email, address)) {
        pipeline.incr(key).expire(key, this.config.LOGIN_WINDOW_SECONDS, 'NX');
      }
      await pipeline.exec();
    });
  }

  async recordSuccess(email: string): Promise<void> {
    await this.bestEffort(() => this.redis.del(this.accountKey(email)));
  }

  private keys(email: string, address: string | null): { key: string; max: number }[] {
    const keys = [{ key: this.accountKey(email), max: this.config.LOGIN_MAX_FAILURES_PER_ACCOUNT }];
    if (address)
      keys.push({
        key: `login-failures:address:${address}`,
        max: this.config.LOGIN_MAX_FAILURES_PER_ADDRESS,
      });
    return keys;
  }

  /** Hashed so that Redis never holds the email addresses themselves. */
  private accountKey(email: string): string {
    return `login-failures:account:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
  }

  private async bestEffort(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.logger.warn(`login throttle not updated: ${errorMessage(error)}`);
    }
  }
}
