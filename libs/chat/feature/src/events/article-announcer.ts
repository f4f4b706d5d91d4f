import { Injectable } from '@nestjs/common';
import { ChatSocket, type ArticleEventData } from '@capstone/contracts';
import { MessagesService } from '../messages/messages.service.js';
import { RoomBroadcaster } from '../realtime/room-broadcaster.js';
import { RoomsService } from '../rooms/rooms.service.js';

export type ArticleAnnouncement = Pick<
  ArticleEventData,
  'articleId' | 'slug' | 'title' | 'authorUsername'
>;

/**
 * Posts each new blog article in the public articles room, as a message without an author.
 * Its key is the article id, so a repeated `article.created` finds the message already stored
 * and posts nothing new (it is announced again; clients keep messages by id).
 */
@Injectable()
export class ArticleAnnouncer {
  constructor(
    private readonly rooms: RoomsService,
    private readonly messages: MessagesService,
    private readonly broadcaster: RoomBroadcaster,
  ) {}

  async announce(article: ArticleAnnouncement): Promise<void> {
    const room = await this.rooms.articlesRoom();
    const message = await this.messages.postSystem(
      room._id,
      `article:${article.articleId}`,
      `New article by ${article.authorUsername}: ${article.title} (${article.slug})`,
    );
    this.broadcaster.to(message.roomId).emit(ChatSocket.messageCreated, message);
  }
}
