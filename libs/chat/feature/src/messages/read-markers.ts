import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { ChatUser, ReadReceiptView } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import type { Model } from 'mongoose';
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
   * the user has read nothing there yet); deleted messages do not count.
   */
  async unread(userId: string, rooms: readonly RoomRecord[]): Promise<Map<string, number>> {
    const markers = await this.markers
      .find({ userId, roomId: { $in: rooms.map((room) => room._id) } })
      .lean();
    // The newest marker of each room counts (a concurrent mark may have left an older one).
    const readUpTo = new Map<string, string>();
    for (const marker of markers) {
      const roomId = marker.roomId.toHexString();
      const messageId = marker.lastReadMessageId.toHexString();
      // Same-length hexadecimal ids compare as their ObjectIds do.
      if (messageId > (readUpTo.get(roomId) ?? '')) readUpTo.set(roomId, messageId);
    }
    // One count per room, each a range on the (roomId, _id) index. FerretDB has no $lookup, and
    // a single $group over an $or of ranges would not be cheaper on MongoDB either.
    const counts = await Promise.all(
      rooms.map(async (room) => {
        const id = room._id.toHexString();
        const after = readUpTo.get(id);
        const count = await this.messages.countDocuments({
          roomId: room._id,
          ...(after ? { _id: { $gt: after } } : {}),
          senderId: { $ne: userId },
          deletedAt: null,
        });
        return [id, count] as const;
      }),
    );
    return new Map(counts);
  }
}
