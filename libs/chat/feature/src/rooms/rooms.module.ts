import { Module } from '@nestjs/common';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { UsersModule } from '../users/users.module.js';
import { RoomViews } from './room-views.js';
import { RoomsGateway } from './rooms.gateway.js';
import { RoomsService } from './rooms.service.js';

/** Rooms, who may enter them, and the socket events to create, join and leave them. */
@Module({
  imports: [UsersModule, RealtimeModule],
  providers: [RoomsService, RoomViews, RoomsGateway],
  exports: [RoomsService, RoomViews],
})
export class RoomsModule {}
