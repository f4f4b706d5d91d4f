import { Global, Module } from '@nestjs/common';
import { SESSION_REVOCATIONS, sessionRevocationsProvider } from '@capstone/security';
import { CHAT_CONFIG, type ChatConfig } from '../chat.config.js';
import { ChatRedis } from './chat-redis.js';
import { SocketIoRedis } from './socket-io-redis.js';

/**
 * The chat's Redis connections: one for keys (presence, rate limits, revoked sessions), two for
 * the Socket.IO adapter.
 */
@Global()
@Module({
  providers: [
    {
      provide: ChatRedis,
      inject: [CHAT_CONFIG],
      useFactory: (config: ChatConfig) => new ChatRedis(config.REDIS_URL, config.REDIS_KEY_PREFIX),
    },
    {
      provide: SocketIoRedis,
      inject: [CHAT_CONFIG],
      useFactory: (config: ChatConfig) =>
        new SocketIoRedis(config.REDIS_URL, `${config.REDIS_KEY_PREFIX}socket.io`),
    },
    sessionRevocationsProvider(ChatRedis, CHAT_CONFIG),
  ],
  exports: [ChatRedis, SocketIoRedis, SESSION_REVOCATIONS],
})
export class RedisModule {}
