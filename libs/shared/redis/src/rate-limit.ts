import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/** So many requests (points) per window, for one key (an address, an account…). */
export interface RateLimit {
  readonly points: number;
  readonly windowSeconds: number;
}

/**
 * A limit counted atomically in Redis (one Lua script increments and reads), so that every
 * replica counts together and parallel requests cannot slip past the count. While Redis is down
 * each process counts on its own in memory instead: the limit holds per replica rather than
 * lapsing.
 */
export class RateLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, name: string, limit: RateLimit) {
    const options = {
      keyPrefix: `rate-limit:${name}`,
      points: limit.points,
      duration: limit.windowSeconds,
    };
    this.limiter = new RateLimiterRedis({
      ...options,
      storeClient: redis,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory(options),
    });
  }

  /** Counts one request for `key`; answers how many seconds to wait when it is over the limit. */
  async consume(
    key: string,
  ): Promise<{ allowed: true } | { allowed: false; retryAfterSeconds: number }> {
    try {
      await this.limiter.consume(key);
      return { allowed: true };
    } catch (outcome) {
      if (!(outcome instanceof RateLimiterRes)) throw outcome;
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)),
      };
    }
  }

  /** Gives a counted request back (it turned out not to count: a correct password, say). */
  async refund(key: string): Promise<void> {
    await this.limiter.reward(key, 1);
  }

  /** Forgets every request counted for `key`. */
  async reset(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}
