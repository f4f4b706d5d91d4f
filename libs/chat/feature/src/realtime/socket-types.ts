import {
  ChatRules,
  ChatSocket,
  type ChatUser,
  type ConnectionEndingNotice,
  type MessageBroadcast,
  type PresenceView,
  type ReadReceiptView,
  type TypingView,
} from '@capstone/contracts';
import type { GatewayMetadata } from '@nestjs/websockets';
import type { DefaultEventsMap, Server, Socket } from 'socket.io';

/** What the server sends to clients, by `ChatSocket` event name. */
export interface ServerToClientEvents {
  [ChatSocket.messageCreated]: (message: MessageBroadcast) => void;
  [ChatSocket.messageEdited]: (message: MessageBroadcast) => void;
  [ChatSocket.messageDeleted]: (message: MessageBroadcast) => void;
  [ChatSocket.presence]: (presence: PresenceView) => void;
  [ChatSocket.typingChanged]: (typing: TypingView) => void;
  [ChatSocket.readReceipt]: (receipt: ReadReceiptView) => void;
  [ChatSocket.tokenExpired]: (notice: ConnectionEndingNotice) => void;
}

/** What the handshake established about a connection. */
export interface SocketData {
  user: ChatUser;
  /** When the access token expires (ms since the epoch); the connection ends then. */
  expiresAt: number;
  /** The auth session of the token; if it is revoked, the connection ends at once. */
  sessionId: string;
}

export type ChatServer = Server<
  DefaultEventsMap,
  ServerToClientEvents,
  DefaultEventsMap,
  SocketData
>;
export type ChatConnection = Socket<
  DefaultEventsMap,
  ServerToClientEvents,
  DefaultEventsMap,
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

/** The Socket.IO room a chat room's broadcasts go to. */
export function roomChannel(roomId: string): string {
  return `room:${roomId}`;
}

/** The Socket.IO room of every connection made with one auth session's tokens. */
export function sessionChannel(sessionId: string): string {
  return `session:${sessionId}`;
}
