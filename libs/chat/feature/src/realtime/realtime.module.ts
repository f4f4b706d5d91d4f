import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { ConnectionGateway } from './connection.gateway.js';
import { MessageRateLimiter } from './message-rate-limiter.js';
import { Presence } from './presence.js';
import { RoomBroadcaster } from './room-broadcaster.js';
import { SocketAuthenticator } from './socket-authenticator.js';

/**
 * The Socket.IO server: authenticated connections, broadcasts that reach every instance,
 * presence and rate limits in Redis. The rooms and messages features add their own events.
 */
@Module({
  imports: [UsersModule],
  providers: [
    ConnectionGateway,
    SocketAuthenticator,
    RoomBroadcaster,
    Presence,
    MessageRateLimiter,
  ],
  exports: [RoomBroadcaster, Presence, MessageRateLimiter],
})
export class RealtimeModule {}
