import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { ChatRules, type ChatUser } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import type { Model, Types } from 'mongoose';
import { isDuplicateKey } from '../persistence/duplicate-key.js';
import { RoomMember } from '../persistence/room-member.schema.js';
import { Room, type RoomRecord } from '../persistence/room.schema.js';
import { InstanceBus } from '../realtime/instance-bus.js';
import { InstanceEvent } from '../realtime/socket-types.js';
import { UserDirectory } from '../users/user-directory.js';
import { RecentlyUsed } from './recently-used.js';
import type { RoomAccess } from './room-access.js';
import { RoomsService } from './rooms.service.js';

/** Public rooms' members known to this instance, at most (the least recently seen go first). */
const KNOWN_MEMBERS_MAX = 100_000;

const roomIsFull = () =>
  ServiceError.invalid('room', `is full (maximum is ${ChatRules.membersPerRoomMax})`);

/**
 * Who is in a room: those who joined a public one, and the member list of a private one, which
 * its creator changes. A change of a private room's members is published to every instance
 * (`room:members-changed`) before it is acknowledged: each forgets the room's cached access, and
 * a removed member's connections leave the room there and then.
 */
@Injectable()
export class RoomMembers {
  /**
   * Who this instance has seen join which public room (`room id:user id`). A public room's
   * members are never removed, so someone known here joins again (every time they open the room)
   * without a query.
   */
  private readonly knownPublicMembers = new RecentlyUsed<string, true>(KNOWN_MEMBERS_MAX);

  constructor(
    @InjectModel(Room.name) private readonly rooms: Model<Room>,
    @InjectModel(RoomMember.name) private readonly publicMembers: Model<RoomMember>,
    private readonly roomsService: RoomsService,
    private readonly users: UserDirectory,
    private readonly bus: InstanceBus,
  ) {}

  /**
   * Enters a room: private and direct rooms only their members, who are listed already; joining
   * a public room records the user as one of its members, while it has space. The check and the
   * insert are two steps, so people joining at the very same moment may pass the cap by a few.
   */
  async join(user: ChatUser, roomId: string): Promise<RoomAccess> {
    const room = await this.roomsService.accessible(user.userId, roomId);
    const known = `${room._id.toHexString()}:${user.userId}`;
    if (room.kind !== 'public' || this.knownPublicMembers.get(known)) return room;
    const membership = { roomId: room._id, userId: user.userId };
    if (!(await this.publicMembers.exists(membership))) {
      const joined = await this.publicMembers.countDocuments({ roomId: room._id });
      if (joined >= ChatRules.membersPerRoomMax) throw roomIsFull();
      try {
        await this.publicMembers.create(membership);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error; // joined from another tab at the same moment
      }
    }
    this.knownPublicMembers.set(known, true);
    return room;
  }

  /** Adds someone to a private room: its creator only. */
  async add(actor: ChatUser, roomId: string, username: string): Promise<RoomRecord> {
    const room = await this.privateRoom(actor, roomId);
    if (room.createdBy !== actor.userId) {
      throw new ServiceError(403, { room: ['only its creator may add members'] });
    }
    const { userId } = await this.users.findOne(username);
    if (room.members.includes(userId)) return room;
    if (room.members.length >= ChatRules.membersPerRoomMax) throw roomIsFull();
    return this.change(room._id, { $addToSet: { members: userId } }, []);
  }

  /** Takes someone off a private room's members: its creator anyone, a member themselves. */
  async remove(actor: ChatUser, roomId: string, userId: string): Promise<RoomRecord> {
    const room = await this.privateRoom(actor, roomId);
    if (userId !== actor.userId && room.createdBy !== actor.userId) {
      throw new ServiceError(403, { room: ['only its creator may remove others'] });
    }
    if (!room.members.includes(userId)) throw ServiceError.notFound('member');
    return this.change(room._id, { $pull: { members: userId } }, [userId]);
  }

  /**
   * How many people each room has: its member list, or those who joined a public one, counted
   * for every public room of the list in one aggregation.
   */
  async counts(rooms: readonly RoomRecord[]): Promise<Map<string, number>> {
    const publicIds = rooms.filter((room) => room.kind === 'public').map((room) => room._id);
    const joined =
      publicIds.length === 0
        ? []
        : await this.publicMembers.aggregate<{ _id: Types.ObjectId; count: number }>([
            { $match: { roomId: { $in: publicIds } } },
            { $group: { _id: '$roomId', count: { $sum: 1 } } },
          ]);
    const publicCounts = new Map(joined.map(({ _id, count }) => [_id.toHexString(), count]));
    return new Map(
      rooms.map((room) => {
        const id = room._id.toHexString();
        const count = room.kind === 'public' ? (publicCounts.get(id) ?? 0) : room.members.length;
        return [id, count];
      }),
    );
  }

  private async privateRoom(actor: ChatUser, roomId: string): Promise<RoomRecord> {
    const room = await this.roomsService.read(actor.userId, roomId);
    if (room.kind !== 'private') {
      throw ServiceError.invalid('room', 'only a private room has members to change');
    }
    return room;
  }

  /**
   * Writes the change, then has every instance apply it before answering. On FerretDB, where an
   * update is not atomic, a change at the very moment of another update of the room (its last
   * activity) can be lost; MongoDB applies both (see apps/chat/README.md).
   */
  private async change(
    roomId: Types.ObjectId,
    update: { $addToSet: { members: string } } | { $pull: { members: string } },
    removed: string[],
  ): Promise<RoomRecord> {
    const room = await this.rooms
      .findOneAndUpdate({ _id: roomId }, update, { returnDocument: 'after' })
      .lean<RoomRecord>()
      .orFail();
    await this.bus.publish(InstanceEvent.roomMembersChanged, {
      roomId: roomId.toHexString(),
      removed,
    });
    return room;
  }
}
