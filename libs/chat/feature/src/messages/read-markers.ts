import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { ChatUser, ReadReceiptView } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import type { Model, Types } from 'mongoose';
import { isDuplicateKey } from '../persistence/duplicate-key.js';
import { Message } from '../persistence/message.schema.js';
import { ReadMarker } from '../persistence/read-marker.schema.js';
import type { RoomRecord } from '../persistence/room.schema.js';
import { RoomsService } from '../rooms/rooms.service.js';

/** How far each user has read in each room, and what that leaves unread. */
@Injectable()
export class ReadMarkers {
  constructor(
    @InjectModel(ReadMarker.name) private readonly markers: Model<ReadMarker>,
    @InjectModel(Message.name) private readonly messages: Model<Message>,
    private readonly rooms: RoomsService,
  ) {}

  /** Records that the user has read the room up to this message; a marker never moves back. */
  async markRead(user: ChatUser, roomId: string, messageId: string): Promise<ReadReceiptView> {
    const room = await this.rooms.accessible(user.userId, roomId);
    if (!(await this.messages.exists({ _id: messageId, roomId: room._id }))) {
      throw ServiceError.notFound('message');
    }
    const marker = { userId: user.userId, roomId: room._id };
    try {
      await this.markers.create({ ...marker, lastReadMessageId: messageId });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error; // marked before: nothing new
    }
    await this.markers.deleteMany({ ...marker, lastReadMessageId: { $lt: messageId } });
    return { roomId: room._id.toHexString(), user, messageId };
  }

  /**
   * For each room, how many messages by others came after the user's marker (all of them if
   * the user has read nothing there yet); deleted messages do not count. Two queries whatever
   * the number of rooms: the markers, then one aggregation that counts every room's unread
   * messages, each room's clause a range on the (roomId, _id) index.
   */
  async unread(userId: string, rooms: readonly RoomRecord[]): Promise<Map<string, number>> {
    if (rooms.length === 0) return new Map();
    const markers = await this.markers
      .find({ userId, roomId: { $in: rooms.map((room) => room._id) } })
      .lean();
    // The newest marker of each room counts (a concurrent mark may have left an older one).
    const readUpTo = new Map<string, Types.ObjectId>();
    for (const marker of markers) {
      const roomId = marker.roomId.toHexString();
      const newest = readUpTo.get(roomId);
      // Same-length hexadecimal ids compare as their ObjectIds do.
      if (!newest || marker.lastReadMessageId.toHexString() > newest.toHexString()) {
        readUpTo.set(roomId, marker.lastReadMessageId);
      }
    }
    const unreadAfterMarkers = rooms.map((room) => {
      const after = readUpTo.get(room._id.toHexString());
      return { roomId: room._id, ...(after ? { _id: { $gt: after } } : {}) };
    });
    const counts = await this.messages.aggregate<{ _id: Types.ObjectId; unread: number }>([
      { $match: { $or: unreadAfterMarkers, senderId: { $ne: userId }, deletedAt: null } },
      { $group: { _id: '$roomId', unread: { $sum: 1 } } },
    ]);
    const byRoom = new Map(counts.map(({ _id, unread }) => [_id.toHexString(), unread]));
    return new Map(
      rooms.map((room) => [room._id.toHexString(), byRoom.get(room._id.toHexString()) ?? 0]),
    );
  }
}
