import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { RoomKind } from '@capstone/contracts';
import type { Model, Types } from 'mongoose';
import { Room } from '../persistence/room.schema.js';
import { InstanceBus } from '../realtime/instance-bus.js';
import { InstanceEvent } from '../realtime/socket-types.js';
import { RecentlyUsed } from './recently-used.js';

/** Who may use a room: anyone a public one, its members a private or direct one. */
export interface RoomAccess {
  readonly _id: Types.ObjectId;
  readonly kind: RoomKind;
  readonly members: ReadonlySet<string>;
}

/**
 * A bound on staleness should an instance miss an invalidation (Redis unreachable when the
 * members changed): its entry is read again from MongoDB after this long at most.
 */
const KEEP_MS = 60_000;
/** Rooms kept at most; the least recently used go first. */
const MAX_ROOMS = 10_000;

interface Entry {
  readonly access: Promise<RoomAccess | null>;
  readonly loadedAt: number;
}

/**
 * Each room's access, kept in this instance so that a send needs no query to check it. Changing
 * a private room's members publishes `room:members-changed` (`InstanceBus`), on which every
 * instance forgets the room before the change is acknowledged; `KEEP_MS` bounds the staleness if
 * an instance does not hear it. Concurrent reads of a room not yet kept share one query.
 */
@Injectable()
export class RoomAccessCache {
  private readonly entries = new RecentlyUsed<string, Entry>(MAX_ROOMS);

  constructor(
    @InjectModel(Room.name) private readonly rooms: Model<Room>,
    bus: InstanceBus,
  ) {
    bus.on(InstanceEvent.roomMembersChanged, ({ roomId }) => this.forget(roomId));
  }

  /** The room's access, or null if there is no such room. */
  get(roomId: string): Promise<RoomAccess | null> {
    const kept = this.entries.get(roomId);
    if (kept && Date.now() - kept.loadedAt < KEEP_MS) return kept.access;
    const access = this.load(roomId);
    this.entries.set(roomId, { access, loadedAt: Date.now() });
    // A room not found (yet) or a failed read is not kept.
    access.then(
      (found) => found || this.forgetIfSame(roomId, access),
      () => this.forgetIfSame(roomId, access),
    );
    return access;
  }

  forget(roomId: string): void {
    this.entries.delete(roomId);
  }

  private async load(roomId: string): Promise<RoomAccess | null> {
    const room = await this.rooms
      .findById(roomId, { kind: 1, members: 1 })
      .lean<{ _id: Types.ObjectId; kind: RoomKind; members: string[] }>();
    return room && { _id: room._id, kind: room.kind, members: new Set(room.members) };
  }

  private forgetIfSame(roomId: string, access: Promise<RoomAccess | null>): void {
    if (this.entries.peek(roomId)?.access === access) this.entries.delete(roomId);
  }
}
