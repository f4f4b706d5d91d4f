import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { ChatUser, PresenceView } from '@capstone/contracts';
import { ChatRedis } from '../redis/chat-redis.js';
import { errorMessage } from '@capstone/errors';

/** An entry not refreshed for this long is gone: its instance stopped without cleaning up. */
const ENTRY_TTL_MS = 60_000;
const REFRESH_EVERY_MS = ENTRY_TTL_MS / 3;

const key = (roomId: string) => `presence:${roomId}`;

/**
 * Who is in which room, in Redis, so that every instance sees the same answer. Each room is a
 * sorted set of connections (`[socket id, user id, username]`) scored by when the entry expires.
 * An instance refreshes the entries of its own sockets while they are connected and removes them
 * when they leave or disconnect; if it crashes, its entries expire on their own. A user is online
 * in a room while at least one of their connections is in it.
 */
@Injectable()
export class Presence implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(Presence.name);
  /** This instance's entries: socket id → room id → sorted-set member. */
  private readonly local = new Map<string, Map<string, string>>();
  private refresher: NodeJS.Timeout | undefined;

  constructor(private readonly redis: ChatRedis) {}

  onModuleInit(): void {
    this.refresher = setInterval(() => void this.refresh(), REFRESH_EVERY_MS);
    this.refresher.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.refresher);
  }

  async enter(roomId: string, socketId: string, user: ChatUser): Promise<PresenceView> {
    const member = JSON.stringify([socketId, user.userId, user.username]);
    const rooms = this.local.get(socketId) ?? new Map<string, string>();
    rooms.set(roomId, member);
    this.local.set(socketId, rooms);
    await this.redis
      .multi()
      .zadd(key(roomId), Date.now() + ENTRY_TTL_MS, member)
      .pexpire(key(roomId), ENTRY_TTL_MS)
      .exec();
    return this.online(roomId);
  }

  async leave(roomId: string, socketId: string): Promise<PresenceView> {
    const rooms = this.local.get(socketId);
    const member = rooms?.get(roomId);
    rooms?.delete(roomId);
    if (member) await this.redis.zrem(key(roomId), member);
    return this.online(roomId);
  }

  /** Removes a closed connection from every room it was in; answers each room's presence. */
  async leaveAll(socketId: string): Promise<PresenceView[]> {
    const roomIds = [...(this.local.get(socketId)?.keys() ?? [])];
    const views = await Promise.all(roomIds.map((roomId) => this.leave(roomId, socketId)));
    this.local.delete(socketId);
    return views;
  }

  async online(roomId: string): Promise<PresenceView> {
    const members = await this.redis.zrangebyscore(key(roomId), Date.now(), '+inf');
    const users = new Map<string, ChatUser>();
    for (const member of members) {
      const [, userId, username] = JSON.parse(member) as [string, string, string];
      users.set(userId, { userId, username });
    }
    const online = [...users.values()].sort((a, b) => a.username.localeCompare(b.username));
    return { roomId, online };
  }

  /** Extends this instance's entries and drops expired ones (of crashed instances). */
  private async refresh(): Promise<void> {
    const now = Date.now();
    const pipeline = this.redis.pipeline();
    for (const rooms of this.local.values()) {
      for (const [roomId, member] of rooms) {
        pipeline
          .zadd(key(roomId), now + ENTRY_TTL_MS, member)
          .zremrangebyscore(key(roomId), '-inf', now)
          .pexpire(key(roomId), ENTRY_TTL_MS);
      }
    }
    try {
      await pipeline.exec();
    } catch (error) {
      this.logger.warn({
        msg: 'presence not refreshed',
        error: errorMessage(error),
      });
    }
  }
}
