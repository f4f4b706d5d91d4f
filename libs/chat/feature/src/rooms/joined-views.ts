import { Injectable } from '@nestjs/common';
import type { RoomView } from '@capstone/contracts';
import type { RoomAccess } from './room-access.js';
import { RoomViews } from './room-views.js';
import { RoomsService } from './rooms.service.js';
import { RecentlyUsed } from './recently-used.js';

/** How long a public room's view is reused for those who join it. */
const REUSE_MS = 1_000;
const PUBLIC_ROOMS_MAX = 1_000;

interface Rendered {
  readonly view: Promise<RoomView>;
  readonly at: number;
}

/**
 * The room as the acknowledgement of `room:join` shows it. A public room looks the same to
 * everyone who joins it (no peer, nothing unread yet), so its view is rendered once and reused
 * for `REUSE_MS`: in a join storm, an instance reads the room and counts its members once a
 * second rather than at every join. Its `memberCount` and `lastMessageAt` may be that old.
 */
@Injectable()
export class JoinedViews {
  private readonly publicRooms = new RecentlyUsed<string, Rendered>(PUBLIC_ROOMS_MAX);

  constructor(
    private readonly rooms: RoomsService,
    private readonly views: RoomViews,
  ) {}

  view(room: RoomAccess, viewerId: string): Promise<RoomView> {
    if (room.kind !== 'public') return this.render(room, viewerId);
    const roomId = room._id.toHexString();
    const rendered = this.publicRooms.get(roomId);
    if (rendered && Date.now() - rendered.at < REUSE_MS) return rendered.view;
    const view = this.render(room, viewerId);
    this.publicRooms.set(roomId, { view, at: Date.now() });
    view.catch(() => this.publicRooms.delete(roomId));
    return view;
  }

  private async render(room: RoomAccess, viewerId: string): Promise<RoomView> {
    return this.views.renderOne(await this.rooms.read(viewerId, room._id), viewerId);
  }
}
