import { Injectable } from '@nestjs/common';
import type { ChatUser } from '@capstone/contracts';
import { InstanceBus } from './instance-bus.js';
import type { UserVersion } from '../users/user-directory.js';
import { InstanceEvent, type ChatConnection } from './socket-types.js';

interface ConnectedUser {
  user: ChatUser;
  version: number;
  readonly connections: Set<ChatConnection>;
}

/**
 * This instance's open connections, by user. A user's connections share one `ChatUser` object
 * (`socket.data.user`), which carries the name of the newest profile version the chat has seen:
 * the name a message is sent under, without looking it up. When a newer version is applied on
 * any instance (`user.updated`, `chat.user.apply`), every instance gives the user's connections
 * a new object with the new name.
 */
@Injectable()
export class ConnectedUsers {
  private readonly users = new Map<string, ConnectedUser>();

  constructor(bus: InstanceBus) {
    bus.on(InstanceEvent.userChanged, (user) => this.rename(user));
  }

  /** Records a connection whose handshake read the user's name at `socket.data.userVersion`. */
  add(socket: ChatConnection): void {
    const { user, userVersion } = socket.data;
    const known = this.users.get(user.userId);
    if (!known) {
      this.users.set(user.userId, { user, version: userVersion, connections: new Set([socket]) });
      return;
    }
    if (userVersion > known.version) this.rename({ ...user, version: userVersion });
    socket.data.user = known.user;
    socket.data.userVersion = known.version;
    known.connections.add(socket);
  }

  remove(socket: ChatConnection): void {
    const known = this.users.get(socket.data.user.userId);
    known?.connections.delete(socket);
    if (known?.connections.size === 0) this.users.delete(socket.data.user.userId);
  }

  /** The user's connections on this instance. */
  connectionsOf(userId: string): ReadonlySet<ChatConnection> {
    return this.users.get(userId)?.connections ?? new Set();
  }

  /** Every user with open connections on this instance, and those connections. */
  *byUser(): Iterable<[string, ReadonlySet<ChatConnection>]> {
    for (const [userId, { connections }] of this.users) yield [userId, connections];
  }

  private rename({ userId, username, version }: UserVersion): void {
    const known = this.users.get(userId);
    if (!known || version <= known.version) return;
    known.user = { userId, username };
    known.version = version;
    for (const socket of known.connections) {
      socket.data.user = known.user;
      socket.data.userVersion = version;
    }
  }
}
