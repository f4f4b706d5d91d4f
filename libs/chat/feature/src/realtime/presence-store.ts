import { Injectable } from '@nestjs/common';
import type { ChatUser, PresenceChange, PresenceSnapshot } from '@capstone/contracts';
import { ChatRedis } from '../redis/chat-redis.js';
import { ENTER, LEAVE, REFRESH, SWEEP } from './presence-scripts.js';

/** An entry not refreshed for this long is gone: its instance stopped without cleaning up. */
export const PRESENCE_TTL_MS = 60_000;

/** A room's keys, in one Redis Cluster hash slot (`{room id}`): each script reads them together. */
function keysOf(roomId: string, userId?: string): string[] {
  const room = `presence:{${roomId}}`;
  return [
    `${room}:online`,
    `${room}:names`,
    ...(userId ? [`${room}:user:${userId}`] : []),
    `${room}:seq`,
  ];
}

/** This instance's connections in each room, by room id and user id. */
export type LocalPresence = ReadonlyMap<
  string,
  ReadonlyMap<string, { readonly user: ChatUser; readonly socketIds: string[] }>
>;

/** What entering a room changed, and who is there. */
export interface Entered {
  /** The user's first connection there: they just came online. */
  readonly cameOnline: boolean;
  readonly snapshot: PresenceSnapshot;
}

/**
 * Who is in which room, in Redis, so that every instance gives the same answer: the users online
 * in a room, each with their connections there, scored by when the entry expires (instances
 * refresh their own; a crashed instance's expire). Every time someone comes online or goes
 * offline in a room, the room's change number goes up, in the same atomic step: the number orders
 * the changes of all instances (see `PresenceChange`).
 */
@Injectable()
export class PresenceStore {
  constructor(private readonly redis: ChatRedis) {}

  async enter(roomId: string, user: ChatUser, socketId: string): Promise<Entered> {
    const now = Date.now();
    const [cameOnline, seq, ...online] = (await this.redis.eval(
      ENTER,
      4,
      ...keysOf(roomId, user.userId),
      now,
      now + PRESENCE_TTL_MS,
      PRESENCE_TTL_MS,
      user.userId,
      user.username,
      socketId,
    )) as [number, number, ...string[]];
    const users: ChatUser[] = [];
    for (let index = 0; index < online.length; index += 2) {
      users.push({ userId: online[index] ?? '', username: online[index + 1] ?? '' });
    }
    users.sort((a, b) => a.username.localeCompare(b.username));
    return {
      cameOnline: cameOnline === 1,
      snapshot: { kind: 'snapshot', roomId, seq, online: users },
    };
  }

  /** The change if the user went offline with this connection (their last there), else nothing. */
  async leave(
    roomId: string,
    user: ChatUser,
    socketId: string,
  ): Promise<PresenceChange | undefined> {
    const seq = (await this.redis.eval(
      LEAVE,
      4,
      ...keysOf(roomId, user.userId),
      Date.now(),
      user.userId,
      socketId,
    )) as number;
    return seq > 0 ? { seq, user, online: false } : undefined;
  }

  /**
   * Extends the entries of the connections this instance holds, by room and user, and takes the
   * users whose entries expired off each room: the changes that makes, by room. Per-command
   * failures are skipped (the next refresh tries again); a lost connection rejects.
   */
  async refresh(rooms: LocalPresence): Promise<Map<string, PresenceChange[]>> {
    const now = Date.now();
    const expiry = now + PRESENCE_TTL_MS;
    const pipeline = this.redis.pipeline();
    // What each reply answers: a room's sweep, or a user's refresh in a room.
    const asked: { roomId: string; user?: ChatUser }[] = [];
    for (const [roomId, users] of rooms) {
      pipeline.eval(SWEEP, 3, ...keysOf(roomId), now);
      asked.push({ roomId });
      for (const { user, socketIds } of users.values()) {
        const { userId, username } = user;
        const args = [now, expiry, PRESENCE_TTL_MS, userId, username, ...socketIds];
        pipeline.eval(REFRESH, 4, ...keysOf(roomId, userId), ...args);
        asked.push({ roomId, user });
      }
    }
    const changes = new Map<string, PresenceChange[]>();
    const add = (roomId: string, change: PresenceChange) =>
      changes.set(roomId, [...(changes.get(roomId) ?? []), change]);
    for (const [index, [error, reply]] of ((await pipeline.exec()) ?? []).entries()) {
      const { roomId, user } = asked[index] ?? { roomId: '' };
      if (error) continue;
      if (user) {
        if (typeof reply === 'number' && reply > 0) add(roomId, { seq: reply, user, online: true });
        continue;
      }
      const swept = reply as (string | number)[];
      for (let at = 0; at < swept.length; at += 3) {
        const gone = { userId: String(swept[at]), username: String(swept[at + 1]) };
        add(roomId, { seq: Number(swept[at + 2]), user: gone, online: false });
      }
    }
    return changes;
  }
}
