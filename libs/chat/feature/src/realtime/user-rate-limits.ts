import { Inject, Injectable } from '@nestjs/common';
import { ServiceError } from '@capstone/errors';
import { RateLimiter, type RateLimit } from '@capstone/redis';
import { CHAT_CONFIG, type ChatConfig } from '../chat.config.js';
import { ChatRedis } from '../redis/chat-redis.js';

/** The socket events limited per user: the setting of each limit, and what a refusal counts. */
const LIMITED = {
  send: { setting: 'RATE_LIMIT_SENDS_PER_USER', counted: 'messages' },
  typing: { setting: 'RATE_LIMIT_TYPING_PER_USER', counted: 'typing signals' },
  edit: { setting: 'RATE_LIMIT_EDITS_PER_USER', counted: 'edits' },
  delete: { setting: 'RATE_LIMIT_DELETES_PER_USER', counted: 'deletions' },
  read: { setting: 'RATE_LIMIT_READS_PER_USER', counted: 'read markers' },
  join: { setting: 'RATE_LIMIT_JOINS_PER_USER', counted: 'joins' },
  openDirect: {
    setting: 'RATE_LIMIT_DIRECT_OPENS_PER_USER',
    counted: 'direct conversations opened',
  },
  changeMembers: { setting: 'RATE_LIMIT_MEMBER_CHANGES_PER_USER', counted: 'member changes' },
} as const satisfies Record<string, { setting: keyof ChatConfig; counted: string }>;

export type LimitedEvent = keyof typeof LIMITED;

interface EventLimit {
  readonly limiter: RateLimiter;
  readonly limit: RateLimit;
  readonly counted: string;
}

/**
 * How often a user may send each kind of socket event, counted per user in Redis (`RateLimiter`:
 * atomic, shared by all their connections on every instance; per process while Redis is down).
 * Past a limit the event is refused with `rate limit: …` and nothing else happens.
 */
@Injectable()
export class UserRateLimits {
  private readonly limits: Record<LimitedEvent, EventLimit>;

  constructor(redis: ChatRedis, @Inject(CHAT_CONFIG) config: ChatConfig) {
    const entries = Object.entries(LIMITED).map(([event, { setting, counted }]) => {
      const limit = config[setting];
      return [event, { limiter: new RateLimiter(redis, event, limit), limit, counted }] as const;
    });
    this.limits = Object.fromEntries(entries) as Record<LimitedEvent, EventLimit>;
  }

  /** Counts one `event` of the user; throws 429 `rate limit: …` when it is over the limit. */
  async consume(event: LimitedEvent, userId: string): Promise<void> {
    const { limiter, limit, counted } = this.limits[event];
    const outcome = await limiter.consume(userId);
    if (outcome.allowed) return;
    throw new ServiceError(429, {
      'rate limit': [
        `at most ${limit.points} ${counted} every ${limit.windowSeconds} seconds; try again in ${outcome.retryAfterSeconds} s`,
      ],
    });
  }

  /**
   * Counts one `event` while `read` (what the event needs, with no effect of its own) runs, so
   * that the two round trips overlap; answers `read`'s result once the event is allowed. Past
   * the limit, the refusal wins over whatever `read` found.
   */
  async consumeWhile<T>(event: LimitedEvent, userId: string, read: Promise<T>): Promise<T> {
    // Settled below in any case; until then its failure must not count as unhandled.
    read.catch(() => undefined);
    await this.consume(event, userId);
    return read;
  }
}
