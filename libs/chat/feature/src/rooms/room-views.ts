import { Injectable } from '@nestjs/common';
import type { RoomView } from '@capstone/contracts';
import type { RoomRecord } from '../persistence/room.schema.js';
import { UserDirectory } from '../users/user-directory.js';
import { RoomMembers } from './room-members.js';

/** Rooms as a viewer sees them: a direct conversation is named after the other person. */
@Injectable()
export class RoomViews {
  constructor(
    private readonly users: UserDirectory,
    private readonly members: RoomMembers,
  ) {}

  async render(
    rooms: readonly RoomRecord[],
    viewerId: string,
    unread: ReadonlyMap<string, number> = new Map(),
  ): Promise<RoomView[]> {
    const peerOf = (room: RoomRecord) =>
      room.kind === 'direct'
        ? (room.members.find((member) => member !== viewerId) ?? viewerId)
        : undefined;
    const [names, memberCounts] = await Promise.all([
      this.users.names(rooms.map(peerOf).filter((id): id is string => id !== undefined)),
      this.members.counts(rooms),
    ]);
    return rooms.map((room) => {
      const peerId = peerOf(room);
      const peer = peerId ? { userId: peerId, username: names.get(peerId) ?? room.name } : null;
      const id = room._id.toHexString();
      return {
        id,
        name: peer?.username ?? room.name,
        kind: room.kind,
        peer,
        memberCount: memberCounts.get(id) ?? 0,
        lastMessageAt: room.lastMessageAt?.toISOString() ?? null,
        unread: unread.get(id) ?? 0,
      };
    });
  }

  async renderOne(room: RoomRecord, viewerId: string): Promise<RoomView> {
    const [view] = await this.render([room], viewerId);
    if (!view) throw new Error('a rendered room went missing');
    return view;
  }
}
