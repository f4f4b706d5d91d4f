import { Module } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { HEALTH_INDICATORS, healthIndicators, type HealthIndicator } from '@capstone/health';
import type { BrokerClient } from '@capstone/messaging';
import type { Connection } from 'mongoose';
import { AUTH_SERVICE, TokenVerificationModule } from './auth/token-verification.module.js';
import { EventsModule } from './events/events.module.js';
import { MessagesModule } from './messages/messages.module.js';
import { PersistenceModule } from './persistence/persistence.module.js';
import { RealtimeModule } from './realtime/realtime.module.js';
import { ChatRedis } from './redis/chat-redis.js';
import { RedisModule } from './redis/redis.module.js';
import { RoomsModule } from './rooms/rooms.module.js';
import { ChatRpcController } from './rpc/chat-rpc.controller.js';
import { UsersModule } from './users/users.module.js';

/**
 * The chat: Socket.IO rooms, messages, presence and typing; `chat.rpc` for the REST API through
 * the gateway; other services' events for the users projection and the #articles room.
 */
@Module({
  imports: [
    PersistenceModule,
    RedisModule,
    TokenVerificationModule,
    UsersModule,
    RealtimeModule,
    RoomsModule,
    MessagesModule,
    EventsModule,
  ],
  controllers: [ChatRpcController],
  providers: [
    healthIndicators({
      inject: [getConnectionToken(), ChatRedis, AUTH_SERVICE],
      useFactory: (mongo: Connection, redis: ChatRedis, auth: BrokerClient): HealthIndicator[] => [
        {
          name: 'mongodb',
          critical: true,
          check: async () => {
            if (!mongo.db) throw new Error('not connected to MongoDB');
            await mongo.db.command({ ping: 1 });
          },
        },
        // Without Redis, instances cannot share rooms, presence or rate limits.
        { name: 'redis', critical: true, check: async () => void (await redis.ping()) },
        { name: 'rabbitmq', critical: true, check: () => auth.ensureConnected() },
      ],
    }),
  ],
  // For the health probes that the service defaults serve.
  exports: [HEALTH_INDICATORS],
})
export class ChatServiceModule {}
