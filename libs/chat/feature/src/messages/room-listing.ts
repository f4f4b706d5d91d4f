import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { ChatRpc, RoomPage, RpcPayload } from '@capstone/contracts';
import type { Model } from 'mongoose';
import { Room, type RoomRecord } from '../persistence/room.schema.js';
import { RoomViews } from '../rooms/room-views.js';
import { ReadMarkers } from './read-markers.js';

/**
 * The rooms a viewer sees in their list: their own and every public one, most recently active
 * first, with unread counts, a page at a time. Pages are read by offset, not by cursor: a room
 * moves to the top when a message arrives, so there is no stable position to continue from.
 */
@Injectable()
export class RoomListing {
  constructor(
    @InjectModel(Room.name) private readonly rooms: Model<Room>,
    private readonly markers: ReadMarkers,
    private readonly views: RoomViews,
  ) {}

  async forViewer({
    viewerId,
    limit,
    offset,
  }: RpcPayload<typeof ChatRpc.listRooms>): Promise<RoomPage> {
    // One more than the page holds, to tell whether a next page has rooms.
    const records = await this.rooms
      .find({ $or: [{ members: viewerId }, { kind: 'public' }] })
      .sort({ lastMessageAt: -1, _id: -1 })
      .skip(offset)
      .limit(limit + 1)
      .lean<RoomRecord[]>();
    const rooms = records.slice(0, limit);
    const unread = await this.markers.unread(viewerId, rooms);
    return {
      rooms: await this.views.render(rooms, viewerId, unread),
      hasMore: records.length > limit,
    };
  }
}
