import { Injectable, Logger } from '@nestjs/common';
import { ChatRules } from '@capstone/contracts';
import { errorMessage, ServiceError } from '@capstone/errors';
import { ChatRedis } from '../redis/chat-redis.js';

/**
 * At most `ChatRules.messagesPerWindow` messages per user in each `rateWindowMs` window, counted
 * in Redis so that a user's connections to different instances share one budget. A fixed
 * window: one counter per user and window, which expires with it.
 */
@Injectable()
export class MessageRateLimiter {
  private readonly logger = new Logger(MessageRateLimiter.name);

  constructor(private readonly redis: ChatRedis) {}

  async consume(userId: string): Promise<void> {
    const window = Math.floor(Date.now() / ChatRules.rateWindowMs);
    const counter = `rate:messages:${userId}:${window}`;
    let count: number;
    try {
      const results = await this.redis
        .multi()
        .incr(counter)
        .pexpire(counter, ChatRules.rateWindowMs)
        .exec();
      count = Number(results?.[0]?.[1]);
    } catch (error) {
      // Without Redis, let people talk: availability over strictness, as the gateway's login limits.
      this.logger.warn({
        msg: 'message rate limit skipped',
        error: errorMessage(error),
      });
      return;
    }
    if (count > ChatRules.messagesPerWindow) {
      const retryInMs = (window + 1) * ChatRules.rateWindowMs - Date.now();
      throw new ServiceError(429, {
        'rate limit': [
          `at most ${ChatRules.messagesPerWindow} messages every ${ChatRules.rateWindowMs / 1_000} seconds; try again in ${Math.ceil(retryInMs / 1_000)} s`,
        ],
      });
    }
  }
}
