import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { ConnectionGateway } from './connection.gateway.js';
import { ConnectionQuota } from './connection-quota.js';
import { Presence } from './presence.js';
import { RoomBroadcaster } from './room-broadcaster.js';
import { SocketAuthenticator } from './socket-authenticator.js';
import { UserRateLimits } from './user-rate-limits.js';

/**
 * The Socket.IO server: authenticated connections, broadcasts that reach every instance,
 * presence, a cap on each user's connections and rate limits in Redis. The rooms and messages
 * features add their own events.
 */
@Module({
  imports: [UsersModule],
  providers: [
    ConnectionGateway,
    SocketAuthenticator,
    ConnectionQuota,
    RoomBroadcaster,
    Presence,
    UserRateLimits,
  ],
  exports: [RoomBroadcaster, Presence, UserRateLimits],
})
export class RealtimeModule {}
