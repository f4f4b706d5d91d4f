import {
  ChatRules,
  ChatSocket,
  type ChatUser,
  type ConnectionEndingNotice,
  type MessageBroadcast,
  type PresenceEvent,
  type ReadReceiptView,
  type RoomRemovalNotice,
  type TypingView,
} from '@capstone/contracts';
import type { GatewayMetadata } from '@nestjs/websockets';
import type { DefaultEventsMap, Server, Socket } from 'socket.io';
import type { UserVersion } from '../users/user-directory.js';

/** What the server sends to clients, by `ChatSocket` event name. */
export interface ServerToClientEvents {
  [ChatSocket.messageCreated]: (message: MessageBroadcast) => void;
  [ChatSocket.messageEdited]: (message: MessageBroadcast) => void;
  [ChatSocket.messageDeleted]: (message: MessageBroadcast) => void;
  [ChatSocket.presence]: (presence: PresenceEvent) => void;
  [ChatSocket.roomRemoved]: (notice: RoomRemovalNotice) => void;
  [ChatSocket.typingChanged]: (typing: TypingView) => void;
  [ChatSocket.readReceipt]: (receipt: ReadReceiptView) => void;
  [ChatSocket.tokenExpired]: (notice: ConnectionEndingNotice) => void;
}

export const InstanceEvent = {
  roomMembersChanged: 'room:members-changed',
  userChanged: 'user:changed',
} as const;

/**
 * What one chat instance tells the others (Socket.IO's `serverSideEmit` through the Redis
 * adapter), each answering once it has applied it (see `InstanceBus`).
 */
export interface ServerSideEvents {
  /** A private room's members changed: forget its cached access; `removed` lose it at once. */
  [InstanceEvent.roomMembersChanged]: (change: RoomMembersChange, done: () => void) => void;
  /** A user's newest profile version, whose name their open connections now carry. */
  [InstanceEvent.userChanged]: (user: UserVersion, done: () => void) => void;
}

export interface RoomMembersChange {
  readonly roomId: string;
  readonly removed: readonly string[];
}

/** What the handshake established about a connection. */
export interface SocketData {
  /** One object for all of this instance's connections of the user, replaced when they are renamed (`ConnectedUsers`). */
  user: ChatUser;
  /** The profile version `user`'s name comes from. */
  userVersion: number;
  /** When the access token expires (ms since the epoch); the connection ends then. */
  expiresAt: number;
  /** The auth session of the token; if it is revoked, the connection ends at once. */
  sessionId: string;
}

export type ChatServer = Server<
  DefaultEventsMap,
  ServerToClientEvents,
  ServerSideEvents,
  SocketData
>;
export type ChatConnection = Socket<
  DefaultEventsMap,
  ServerToClientEvents,
  ServerSideEvents,
  SocketData
>;

/**
 * The options of the one Socket.IO server, on the app's HTTP server at `/socket.io`. Every gateway
 * class repeats them, because Nest creates the server with the options of whichever comes first.
 * Frames larger than `payloadMaxBytes` close the connection before anything parses them.
 */
export const CHAT_SOCKET_OPTIONS: GatewayMetadata = {
  path: '/socket.io',
  maxHttpBufferSize: ChatRules.payloadMaxBytes,
};

const ROOM_CHANNEL_PREFIX = 'room:';

/** The Socket.IO room a chat room's broadcasts go to. */
export function roomChannel(roomId: string): string {
  return `${ROOM_CHANNEL_PREFIX}${roomId}`;
}

/** The chat room a Socket.IO room is the channel of, if it is one. */
export function roomOfChannel(channel: string): string | undefined {
  return channel.startsWith(ROOM_CHANNEL_PREFIX)
    ? channel.slice(ROOM_CHANNEL_PREFIX.length)
    : undefined;
}

/** The chat rooms a connection has joined, read from its Socket.IO rooms. */
export function joinedRooms(socket: ChatConnection): string[] {
  return [...socket.rooms].flatMap((channel) => roomOfChannel(channel) ?? []);
}

/** The Socket.IO room of every connection made with one auth session's tokens. */
export function sessionChannel(sessionId: string): string {
  return `session:${sessionId}`;
}
