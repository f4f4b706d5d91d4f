import { Module } from '@nestjs/common';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { UsersModule } from '../users/users.module.js';
import { MessageViews } from './message-views.js';
import { MessagesGateway } from './messages.gateway.js';
import { MessagesService } from './messages.service.js';
import { ReadMarkers } from './read-markers.js';
import { RoomListing } from './room-listing.js';

/** Messages, read markers, the room list with unread counts, and the socket events about them. */
@Module({
  imports: [RoomsModule, UsersModule, RealtimeModule],
  providers: [MessagesService, MessageViews, ReadMarkers, RoomListing, MessagesGateway],
  exports: [MessagesService, RoomListing],
})
export class MessagesModule {}
