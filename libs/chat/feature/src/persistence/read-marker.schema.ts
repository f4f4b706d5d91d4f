import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { SchemaTypes, Types } from 'mongoose';

/**
 * How far a user has read in a room: the messages after the newest marker are unread. Markers
 * are inserted, and older ones then deleted, rather than one document moved forward with `$max`:
 * FerretDB 1.24 does not apply updates atomically, and two tabs marking at once could move it back.
 */
@Schema({ collection: 'read_markers', versionKey: false })
export class ReadMarker {
  @Prop({ type: String, required: true })
  userId!: string;

  @Prop({ type: SchemaTypes.ObjectId, required: true })
  roomId!: Types.ObjectId;

  @Prop({ type: SchemaTypes.ObjectId, required: true })
  lastReadMessageId!: Types.ObjectId;
}

export const ReadMarkerSchema = SchemaFactory.createForClass(ReadMarker);
ReadMarkerSchema.index({ userId: 1, roomId: 1, lastReadMessageId: -1 }, { unique: true });
