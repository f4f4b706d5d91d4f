import { Global, Module, type DynamicModule } from '@nestjs/common';
import { SESSION_REVOCATIONS, sessionRevocationsProvider } from '@capstone/security';
import type { ChatConfig } from '../chat.config.js';
import { ChatRedis } from './chat-redis.js';
import { SocketIoRedis } from './socket-io-redis.js';

/**
 * The chat's Redis connections: one for keys (presence, rate limits, revoked sessions), two for
 * the Socket.IO adapter.
 */
@Global()
@Module({})
export class RedisModule {
  static forRoot(config: ChatConfig): DynamicModule {
    return {
      module: RedisModule,
      providers: [
        {
          provide: ChatRedis,
          useFactory: () => new ChatRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX),
        },
        {
          provide: SocketIoRedis,
          useFactory: () =>
            new SocketIoRedis(config.REDIS_URL, `${config.REDIS_KEY_PREFIX}socket.io`),
        },
        sessionRevocationsProvider(ChatRedis, config.ACCESS_TOKEN_TTL_SECONDS),
      ],
      exports: [ChatRedis, SocketIoRedis, SESSION_REVOCATIONS],
    };
  }
}
