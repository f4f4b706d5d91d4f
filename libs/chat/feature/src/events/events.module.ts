import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { RoomsModule } from '../rooms/rooms.module.js';
import { UsersModule } from '../users/users.module.js';
import { ArticleAnnouncer } from './article-announcer.js';
import { ChatEventsController } from './chat-events.controller.js';

/** Other services' events: users for the projection, new articles for the articles room. */
@Module({
  imports: [UsersModule, RoomsModule, MessagesModule, RealtimeModule],
  controllers: [ChatEventsController],
  providers: [ArticleAnnouncer],
})
export class EventsModule {}
