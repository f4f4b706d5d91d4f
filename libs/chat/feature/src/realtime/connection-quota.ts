import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { errorMessage } from '@capstone/errors';
import { CHAT_CONFIG, type ChatConfig } from '../chat.config.js';
import { ChatRedis } from '../redis/chat-redis.js';
import { ConnectedUsers } from './connected-users.js';
import type { ChatConnection } from './socket-types.js';

/** An entry not refreshed for this long is gone: its instance stopped without cleaning up. */
const ENTRY_TTL_MS = 30_000;
const REFRESH_EVERY_MS = ENTRY_TTL_MS / 3;

const key = (userId: string) => `sockets:${userId}`;

/**
 * In one step, so that connections arriving at once on several instances cannot all slip under
 * the cap: drop the user's expired entries, count the others, and add this connection if there
 * is room. KEYS[1] the user's set; ARGV now, cap, this entry's expiry, socket id, TTL.
 */
const ADMIT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1`;

/**
 * At most `SOCKETS_PER_USER_MAX` connections per user, on all instances together. Each user has a
 * Redis sorted set of their connections scored by when the entry expires; an instance refreshes
 * its own connections' entries while they are open and removes them when they close. If it
 * crashes, its entries expire within `ENTRY_TTL_MS`, and its users can connect again.
 */
@Injectable()
export class ConnectionQuota implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ConnectionQuota.name);
  private refresher: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: ChatRedis,
    @Inject(CHAT_CONFIG) private readonly config: ChatConfig,
    private readonly connected: ConnectedUsers,
  ) {}

  onModuleInit(): void {
    this.refresher = setInterval(() => void this.refresh(), REFRESH_EVERY_MS);
    this.refresher.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.refresher);
  }

  /** Socket.IO middleware, after authentication: refuses the handshake of one connection too many. */
  readonly middleware = (socket: ChatConnection, next: (error?: Error) => void): void => {
    this.admit(socket).then(
      (admitted) => {
        if (admitted) return next();
        const max = this.config.SOCKETS_PER_USER_MAX;
        next(new Error(`too many connections (at most ${max} per user); close one first`));
      },
      (error: unknown) => {
        // Without Redis, let people connect: availability over strictness, as the rate limits.
        this.logger.warn({ msg: 'connection cap not checked', error: errorMessage(error) });
        next();
      },
    );
  };

  /** Removes a closed connection's entry (open ones are kept alive while `ConnectedUsers` has them). */
  release(socket: ChatConnection): void {
    this.redis.zrem(key(socket.data.user.userId), socket.id).catch((error: unknown) => {
      this.logger.warn({ msg: 'connection not uncounted', error: errorMessage(error) });
    });
  }

  private async admit(socket: ChatConnection): Promise<boolean> {
    const now = Date.now();
    const admitted = await this.redis.eval(
      ADMIT,
      1,
      key(socket.data.user.userId),
      now,
      this.config.SOCKETS_PER_USER_MAX,
      now + ENTRY_TTL_MS,
      socket.id,
      ENTRY_TTL_MS,
    );
    return admitted === 1;
  }

  /** Extends the entries of this instance's connections. */
  private async refresh(): Promise<void> {
    const expiresAt = Date.now() + ENTRY_TTL_MS;
    const pipeline = this.redis.pipeline();
    // Two commands per user, however many connections they have here.
    for (const [userId, connections] of this.connected.byUser()) {
      const entries = [...connections].flatMap(({ id }) => [expiresAt, id]);
      pipeline.zadd(key(userId), 'XX', ...entries).pexpire(key(userId), ENTRY_TTL_MS);
    }
    try {
      await pipeline.exec();
    } catch (error) {
      this.logger.warn({ msg: 'connection counts not refreshed', error: errorMessage(error) });
    }
  }
}
