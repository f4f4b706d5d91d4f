import { Module } from '@nestjs/common';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { UsersModule } from '../users/users.module.js';
import { JoinedViews } from './joined-views.js';
import { RoomAccessCache } from './room-access.js';
import { RoomActivity } from './room-activity.js';
import { RoomMembers } from './room-members.js';
import { RoomViews } from './room-views.js';
import { RoomsGateway } from './rooms.gateway.js';
import { RoomsService } from './rooms.service.js';

/**
 * Rooms, who may enter them (kept in each instance, `RoomAccessCache`), their members, their last
 * activity, and the socket events to create, join and leave them and change their members.
 */
@Module({
  imports: [UsersModule, RealtimeModule],
  providers: [
    RoomsService,
    RoomAccessCache,
    RoomActivity,
    RoomMembers,
    RoomViews,
    JoinedViews,
    RoomsGateway,
  ],
  exports: [RoomsService, RoomActivity, RoomViews],
})
export class RoomsModule {}
