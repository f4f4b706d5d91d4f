import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type {
  ChatMessageView,
  ChatRpc,
  ChatUser,
  MessagePage,
  RpcPayload,
  SendMessageRequest,
} from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import type { Model, Types } from 'mongoose';
import { isDuplicateKey } from '../persistence/duplicate-key.js';
import { Message, SYSTEM_SENDER, type MessageRecord } from '../persistence/message.schema.js';
import type { RoomAccess } from '../rooms/room-access.js';
import { RoomActivity } from '../rooms/room-activity.js';
import { RoomsService } from '../rooms/rooms.service.js';
import type { MissedSincePayload } from '@capstone/contracts';
import { MessageViews } from './message-views.js';

/** A room's messages after a given one, oldest first (unlike `MessagePage`, which is newest first). */
export interface MissedMessages {
  readonly messages: ChatMessageView[];
  readonly hasMore: boolean;
}

/** Messages: storing them once, editing and deleting one's own, reading a room's history. */
@Injectable()
export class MessagesService {
  constructor(
    @InjectModel(Message.name) private readonly messages: Model<Message>,
    private readonly rooms: RoomsService,
    private readonly activity: RoomActivity,
    private readonly views: MessageViews,
  ) {}

  /**
   * Stores a message in a room the author may use (`room`, if the caller checked it already) and
   * resolves only once MongoDB has acknowledged the insert. A retried send (same client id, same
   * author, same room) resolves with the message stored the first time. The room's last activity
   * is written afterwards (`RoomActivity`), for a retried send too: the first attempt may have
   * failed before it.
   */
  async send(
    author: ChatUser,
    request: SendMessageRequest,
    room?: RoomAccess,
  ): Promise<ChatMessageView> {
    const { _id } = room ?? (await this.rooms.accessible(author.userId, request.roomId));
    const record = await this.store(_id, author, request.text, request.clientMessageId);
    this.activity.touched(_id, record.createdAt);
    return this.views.renderOwn(record, author);
  }

  /** Posts a message without an author, once per `key` (what it announces) in the room. */
  async postSystem(roomId: Types.ObjectId, key: string, text: string): Promise<ChatMessageView> {
    const record = await this.store(roomId, null, text, key);
    this.activity.touched(roomId, record.createdAt);
    return this.views.renderOne(record);
  }

  async edit(actor: ChatUser, messageId: string, text: string): Promise<ChatMessageView> {
    await this.ownMessage(actor, messageId);
    const edited = await this.messages
      .findOneAndUpdate(
        { _id: messageId, deletedAt: null },
        { $set: { text, editedAt: new Date() } },
        { returnDocument: 'after' },
      )
      .lean<MessageRecord>();
    if (!edited) throw ServiceError.invalid('message', 'has been deleted');
    return this.views.renderOwn(edited, actor);
  }

  /** Deletes one's own message: its text is removed, a placeholder keeps its place in the history. */
  async delete(actor: ChatUser, messageId: string): Promise<ChatMessageView> {
    const message = await this.ownMessage(actor, messageId);
    if (message.deletedAt) return this.views.renderOwn(message, actor);
    const deleted = await this.messages
      .findOneAndUpdate(
        { _id: messageId },
        { $set: { text: '', deletedAt: new Date() } },
        { returnDocument: 'after' },
      )
      .lean<MessageRecord>()
      .orFail();
    return this.views.renderOwn(deleted, actor);
  }

  /** One page of a room's history, newest first, before the `before` message if given. */
  async history(request: RpcPayload<typeof ChatRpc.history>): Promise<MessagePage> {
    const room = await this.rooms.accessible(request.viewerId, request.roomId);
    const filter = request.before ? { _id: { $lt: request.before } } : {};
    const records = await this.messages
      .find({ roomId: room._id, ...filter })
      .sort({ _id: -1 })
      .limit(request.limit + 1)
      .lean<MessageRecord[]>();
    return {
      messages: await this.views.render(records.slice(0, request.limit)),
      hasMore: records.length > request.limit,
    };
  }

  /** What a reconnecting client missed: the room's messages after `after`, oldest first. */
  async since(viewer: ChatUser, request: MissedSincePayload): Promise<MissedMessages> {
    const room = await this.rooms.accessible(viewer.userId, request.roomId);
    const records = await this.messages
      .find({ roomId: room._id, _id: { $gt: request.after } })
      .sort({ _id: 1 })
      .limit(request.limit + 1)
      .lean<MessageRecord[]>();
    return {
      messages: await this.views.render(records.slice(0, request.limit)),
      hasMore: records.length > request.limit,
    };
  }

  /**
   * Inserts the message; the unique index on room, sender and client id turns a repeat into a
   * duplicate-key error, and the message stored the first time is returned instead.
   */
  private async store(
    roomId: Types.ObjectId,
    author: ChatUser | null,
    text: string,
    clientMessageId: string,
  ): Promise<MessageRecord> {
    const senderId = author?.userId ?? SYSTEM_SENDER;
    let record: MessageRecord;
    try {
      const created = await this.messages.create({
        roomId,
        author: author && { userId: author.userId, username: author.username },
        senderId,
        text,
        clientMessageId,
        createdAt: new Date(),
      });
      record = created.toObject();
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      record = await this.messages
        .findOne({ roomId, senderId, clientMessageId })
        .lean<MessageRecord>()
        .orFail();
    }
    return record;
  }

  /** The message if it is the actor's own in a room they may still use: 404 if not found, 403 if not theirs. */
  private async ownMessage(actor: ChatUser, messageId: string): Promise<MessageRecord> {
    const message = await this.messages.findById(messageId).lean<MessageRecord>();
    if (!message || !(await this.rooms.findAccessible(actor.userId, message.roomId))) {
      throw ServiceError.notFound('message');
    }
    if (message.senderId !== actor.userId) throw ServiceError.forbidden('message');
    return message;
  }
}
