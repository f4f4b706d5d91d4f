import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes, Types } from 'mongoose';

@Schema({ _id: false, versionKey: false })
export class MessageAuthor {
  @Prop({ type: String, required: true })
  userId!: string;

  /** The name when the message was sent; names are shown from the users projection when known. */
  @Prop({ type: String, required: true })
  username!: string;
}

/** The sender key of system messages (announcements), which have no author. */
export const SYSTEM_SENDER = 'system';

/**
 * A message. Its `_id` (an ObjectId, which starts with its creation time in seconds) orders the
 * history and is the cursor for paging; `createdAt` is the exact time shown to people.
 */
@Schema({ collection: 'messages', versionKey: false })
export class Message {
  @Prop({ type: SchemaTypes.ObjectId, required: true })
  roomId!: Types.ObjectId;

  /** Null for system messages. */
  @Prop({ type: SchemaFactory.createForClass(MessageAuthor), default: null })
  author!: MessageAuthor | null;

  /**
   * The author's user id, or `system`: never null, because the unique index below must see
   * two system messages with one key as duplicates. MongoDB treats nulls in a unique index as
   * equal values; FerretDB (on SQLite or PostgreSQL) treats them as distinct, as SQL does.
   */
  @Prop({ type: String, required: true })
  senderId!: string;

  /** Plain text as the author wrote it (trimmed; lengths are checked where it comes in); '' once deleted. */
  @Prop({ type: String, required: true })
  text!: string;

  /** Chosen by the sender; for system messages, what they announce (`article:<id>`). */
  @Prop({ type: String, required: true })
  clientMessageId!: string;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, default: null })
  editedAt!: Date | null;

  @Prop({ type: Date, default: null })
  deletedAt!: Date | null;
}

export const MessageSchema = SchemaFactory.createForClass(Message);
// History (newest first, `before` cursor), messages since an id, unread counts: one room, by id.
MessageSchema.index({ roomId: 1, _id: -1 });
// Idempotent sends: a retried send with the same client id cannot store a second message.
MessageSchema.index({ roomId: 1, senderId: 1, clientMessageId: 1 }, { unique: true });

export type MessageRecord = Message & { _id: Types.ObjectId };
