import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import {
  ARTICLES_ROOM_NAME,
  ChatRules,
  type ChatUser,
  type CreateRoomRequest,
} from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { Types, type Model } from 'mongoose';
import { isDuplicateKey } from '../persistence/duplicate-key.js';
import { RoomMember } from '../persistence/room-member.schema.js';
import { Room, type RoomRecord } from '../persistence/room.schema.js';
import { UserDirectory } from '../users/user-directory.js';
import { RoomAccessCache, type RoomAccess } from './room-access.js';

const publicKey = (name: string) => `public:${name.toLowerCase()}`;

/** Rooms: creating them, opening direct conversations, and who may enter which. */
@Injectable()
export class RoomsService {
  constructor(
    @InjectModel(Room.name) private readonly rooms: Model<Room>,
    @InjectModel(RoomMember.name) private readonly publicMembers: Model<RoomMember>,
    private readonly users: UserDirectory,
    private readonly access: RoomAccessCache,
  ) {}

  async create(actor: ChatUser, request: CreateRoomRequest): Promise<RoomRecord> {
    // Direct conversations do not count: there is one per pair of people at most.
    const created = await this.rooms.countDocuments({
      createdBy: actor.userId,
      kind: { $in: ['public', 'private'] },
    });
    if (created >= ChatRules.roomsPerUserMax) {
      throw ServiceError.invalid(
        'rooms',
        `limit reached (you may create at most ${ChatRules.roomsPerUserMax})`,
      );
    }
    const isPublic = request.kind === 'public';
    const members = isPublic
      ? []
      : [actor.userId, ...(await this.resolveMembers(actor, request.members ?? []))];
    const _id = new Types.ObjectId();
    let room: RoomRecord;
    try {
      const created = await this.rooms.create({
        _id,
        key: isPublic ? publicKey(request.name) : `private:${_id.toHexString()}`,
        name: request.name,
        kind: request.kind,
        members,
        createdBy: actor.userId,
        createdAt: new Date(),
      });
      room = created.toObject();
    } catch (error) {
      if (isDuplicateKey(error)) throw ServiceError.taken('name');
      throw error;
    }
    if (isPublic) await this.publicMembers.create({ roomId: _id, userId: actor.userId });
    return room;
  }

  /** The direct conversation of two people: created on first use, the same one ever after. */
  async openDirect(actor: ChatUser, username: string): Promise<RoomRecord> {
    const peer = await this.users.findOne(username);
    if (peer.userId === actor.userId) throw ServiceError.invalid('username', "can't be yourself");
    const members = [actor.userId, peer.userId].sort();
    return this.findOrCreate({
      key: `direct:${members.join(':')}`,
      name: `${actor.username} & ${peer.username}`,
      kind: 'direct',
      members,
      createdBy: actor.userId,
    });
  }

  /** The public room articles are announced in, created the first time it is needed. */
  articlesRoom(): Promise<RoomRecord> {
    return this.findOrCreate({
      key: publicKey(ARTICLES_ROOM_NAME),
      name: ARTICLES_ROOM_NAME,
      kind: 'public',
      members: [],
      createdBy: null,
    });
  }

  /**
   * The room's access if the user may read and write it: anyone a public room, members only a
   * private or direct one (from `RoomAccessCache`: usually no query). Otherwise 404, the same
   * answer as for a room that does not exist, so outsiders cannot even learn which private rooms
   * there are.
   */
  async accessible(userId: string, roomId: string | Types.ObjectId): Promise<RoomAccess> {
    const room = await this.findAccessible(userId, roomId);
    if (!room) throw ServiceError.notFound('room');
    return room;
  }

  async findAccessible(
    userId: string,
    roomId: string | Types.ObjectId,
  ): Promise<RoomAccess | null> {
    const room = await this.access.get(typeof roomId === 'string' ? roomId : roomId.toHexString());
    return room && (room.kind === 'public' || room.members.has(userId)) ? room : null;
  }

  /** The whole room, for a user who may use it (404 otherwise). */
  async read(userId: string, roomId: string | Types.ObjectId): Promise<RoomRecord> {
    const { _id } = await this.accessible(userId, roomId);
    return this.rooms.findById(_id).lean<RoomRecord>().orFail();
  }

  /**
   * The room with this key, inserted if there is none. An insert and not an upsert with
   * `$setOnInsert`: FerretDB 1.24 leaves out the fields `$setOnInsert` sets to `[]` or `null`.
   * If two insert at once, the unique key lets one win and the other reads the winner's room.
   */
  private async findOrCreate(
    room: Pick<Room, 'key' | 'name' | 'kind' | 'members' | 'createdBy'>,
  ): Promise<RoomRecord> {
    const existing = await this.rooms.findOne({ key: room.key }).lean<RoomRecord>();
    if (existing) return existing;
    try {
      return (await this.rooms.create({ ...room, createdAt: new Date() })).toObject();
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return this.rooms.findOne({ key: room.key }).lean<RoomRecord>().orFail();
    }
  }

  private async resolveMembers(actor: ChatUser, usernames: readonly string[]): Promise<string[]> {
    const wanted = [...new Set(usernames.map((name) => name.trim().toLowerCase()))].filter(
      (name) => name !== '' && name !== actor.username.toLowerCase(),
    );
    const found = await this.users.findByUsernames(wanted);
    const unknown = wanted.filter(
      (name) => !found.some((user) => user.username.toLowerCase() === name),
    );
    if (unknown.length > 0) {
      throw ServiceError.invalid('members', `unknown users: ${unknown.join(', ')}`);
    }
    return [...new Set(found.map((user) => user.userId))].filter((id) => id !== actor.userId);
  }
}
