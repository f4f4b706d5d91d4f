import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * One version of a user, as the auth service's events described it (or, with version 0, as an
 * access token named them before their first event arrived). The chat's copy of who the users
 * are is the highest version of each user: versions are inserted, never updated in place, because
 * FerretDB 1.24 does not apply updates atomically and concurrent events would lose each other.
 */
@Schema({ collection: 'users', versionKey: false })
export class ChatUserRecord {
  @Prop({ type: String, required: true })
  userId!: string;

  @Prop({ type: Number, required: true })
  version!: number;

  @Prop({ type: String, required: true })
  username!: string;

  /**
   * The name in lower case: usernames are unique regardless of case, and FerretDB implements
   * neither collations nor case-insensitive indexes, so lookups use this field.
   */
  @Prop({ type: String, required: true })
  usernameKey!: string;
}

export const ChatUserSchema = SchemaFactory.createForClass(ChatUserRecord);
// Each version once: a repeated event is a duplicate key. Read newest first per user.
ChatUserSchema.index({ userId: 1, version: -1 }, { unique: true });
ChatUserSchema.index({ usernameKey: 1 });
