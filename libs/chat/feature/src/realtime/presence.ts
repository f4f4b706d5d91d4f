import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ChatSocket, type ChatUser } from '@capstone/contracts';
import { errorMessage } from '@capstone/errors';
import { PresenceFeed } from './presence-feed.js';
import { PRESENCE_TTL_MS, PresenceStore } from './presence-store.js';
import {
  joinedRooms,
  roomChannel,
  roomOfChannel,
  type ChatConnection,
  type ChatServer,
} from './socket-types.js';

const REFRESH_EVERY_MS = PRESENCE_TTL_MS / 3;

/**
 * Who is in which room, as the rooms' clients see it. A connection is present in a room exactly
 * while it is in the room's Socket.IO room: it enters after joining it, and leaves when it leaves
 * it, whatever the reason (`room:leave`, disconnecting, removal from a private room), which the
 * adapter's `leave-room` event tells. The joiner gets the room's whole list (`snapshot`); the room
 * gets the changes (someone came online or went offline), gathered by `PresenceFeed`. So a join
 * costs one Redis step and, for the others, a share of one broadcast: a join storm is linear in
 * the room's size, where sending everyone the whole list at every join was quadratic.
 */
@Injectable()
export class Presence implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(Presence.name);
  private server: ChatServer | undefined;
  private refresher: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: PresenceStore,
    private readonly feed: PresenceFeed,
  ) {}

  onModuleInit(): void {
    this.refresher = setInterval(() => void this.refresh(), REFRESH_EVERY_MS);
    this.refresher.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.refresher);
  }

  /** Called once the server and its adapter exist. */
  attach(server: ChatServer): void {
    this.server = server;
    server.sockets.adapter.on('leave-room', (channel: string, socketId: string) => {
      const roomId = roomOfChannel(channel);
      const socket = roomId && server.sockets.sockets.get(socketId);
      if (roomId && socket) void this.leave(roomId, socket);
    });
  }

  /** After `socket` joined the room's channel: records it and sends it who is there. */
  async enter(socket: ChatConnection, roomId: string): Promise<void> {
    // Not if it disconnected meanwhile: it left (or never joined) the channel, and stays out.
    if (!socket.rooms.has(roomChannel(roomId))) return;
    const { cameOnline, snapshot } = await this.store.enter(roomId, socket.data.user, socket.id);
    if (cameOnline) {
      this.feed.add(roomId, [{ seq: snapshot.seq, user: socket.data.user, online: true }]);
    }
    socket.emit(ChatSocket.presence, snapshot);
  }

  private async leave(roomId: string, socket: ChatConnection): Promise<void> {
    try {
      const change = await this.store.leave(roomId, socket.data.user, socket.id);
      if (change) this.feed.add(roomId, [change]);
    } catch (error) {
      this.logger.warn({ msg: 'presence not updated', roomId, error: errorMessage(error) });
    }
  }

  /** Extends this instance's entries and takes those of crashed instances off their rooms. */
  private async refresh(): Promise<void> {
    if (!this.server) return;
    const rooms = new Map<string, Map<string, { user: ChatUser; socketIds: string[] }>>();
    for (const socket of this.server.sockets.sockets.values()) {
      for (const roomId of joinedRooms(socket)) {
        const users = rooms.get(roomId) ?? new Map();
        const { user } = socket.data;
        const entry = users.get(user.userId) ?? { user, socketIds: [] };
        entry.socketIds.push(socket.id);
        users.set(user.userId, entry);
        rooms.set(roomId, users);
      }
    }
    try {
      for (const [roomId, changes] of await this.store.refresh(rooms))
        this.feed.add(roomId, changes);
    } catch (error) {
      this.logger.warn({ msg: 'presence not refreshed', error: errorMessage(error) });
    }
  }
}
