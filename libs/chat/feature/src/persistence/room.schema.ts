import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { RoomKind } from '@capstone/contracts';
import type { Types } from 'mongoose';

/**
 * A room. `members` is the access list of a private or direct room, written once when the room
 * is created and bounded (`ChatRules.membersPerRoomMax`) to keep the document small. Public rooms
 * are open to everyone; who joined one is kept in `room_members`, one document per person.
 */
@Schema({ collection: 'rooms', versionKey: false })
export class Room {
  /**
   * Unique per room: `public:<lower-case name>` (public names are unique), `direct:<id>:<id>` (one
   * conversation per pair of users, ids sorted) and `private:<room id>`. One plain unique index
   * does all three, where MongoDB would need a partial index, which FerretDB does not implement.
   */
  @Prop({ type: String, required: true })
  key!: string;

  /** As given for public and private rooms; `<name> & <name>` for direct ones, shown as the peer's name. */
  @Prop({ type: String, required: true })
  name!: string;

  @Prop({ type: String, required: true, enum: ['public', 'private', 'direct'] })
  kind!: RoomKind;

  /** User ids; empty for public rooms. */
  @Prop({ type: [String], default: [] })
  members!: string[];

  /** Null for rooms the service creates itself (the articles room). */
  @Prop({ type: String, default: null })
  createdBy!: string | null;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, default: null })
  lastMessageAt!: Date | null;
}

export const RoomSchema = SchemaFactory.createForClass(Room);
RoomSchema.index({ key: 1 }, { unique: true });
// The private and direct rooms a user belongs to (listing, access checks).
RoomSchema.index({ members: 1 });
RoomSchema.index({ kind: 1, lastMessageAt: -1 });
// The rooms-per-user cap counts the rooms a user created.
RoomSchema.index({ createdBy: 1 });

export type RoomRecord = Room & { _id: Types.ObjectId };
