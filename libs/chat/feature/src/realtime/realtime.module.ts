import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { ConnectedUsers } from './connected-users.js';
import { ConnectionExpiry } from './connection-expiry.js';
import { ConnectionGateway } from './connection.gateway.js';
import { ConnectionQuota } from './connection-quota.js';
import { InstanceBus } from './instance-bus.js';
import { Presence } from './presence.js';
import { PresenceFeed } from './presence-feed.js';
import { PresenceStore } from './presence-store.js';
import { ProfileChanges } from './profile-changes.js';
import { RoomBroadcaster } from './room-broadcaster.js';
import { SocketAuthenticator } from './socket-authenticator.js';
import { UserRateLimits } from './user-rate-limits.js';

/**
 * The Socket.IO server: authenticated connections, broadcasts that reach every instance,
 * presence, a cap on each user's connections and rate limits in Redis, and what instances tell
 * each other (`InstanceBus`). The rooms and messages features add their own events.
 */
@Module({
  imports: [UsersModule],
  providers: [
    ConnectionGateway,
    SocketAuthenticator,
    ConnectionQuota,
    ConnectionExpiry,
    ConnectedUsers,
    InstanceBus,
    RoomBroadcaster,
    Presence,
    PresenceStore,
    PresenceFeed,
    ProfileChanges,
    UserRateLimits,
  ],
  exports: [RoomBroadcaster, Presence, UserRateLimits, InstanceBus, ConnectedUsers, ProfileChanges],
})
export class RealtimeModule {}
