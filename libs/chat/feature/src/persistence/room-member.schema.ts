import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes, Types } from 'mongoose';

/**
 * Someone who joined a public room: one document per person, inserted once (the unique index
 * makes a second join a no-op). Not an array in the room, which every join would rewrite:
 * FerretDB 1.24 does not apply updates atomically, so two joins at once would lose one.
 */
@Schema({ collection: 'room_members', versionKey: false })
export class RoomMember {
  @Prop({ type: SchemaTypes.ObjectId, required: true })
  roomId!: Types.ObjectId;

  @Prop({ type: String, required: true })
  userId!: string;
}

export const RoomMemberSchema = SchemaFactory.createForClass(RoomMember);
RoomMemberSchema.index({ roomId: 1, userId: 1 }, { unique: true });
