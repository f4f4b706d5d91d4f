import { Injectable } from '@nestjs/common';
import { ChatSocket, type ChatMessageView } from '@capstone/contracts';
import { currentTraceFields } from './socket-trace.js';
import {
  roomChannel,
  sessionChannel,
  type ChatConnection,
  type ChatServer,
} from './socket-types.js';

/** The events that announce a stored message to its room. */
type MessageEvent =
  | typeof ChatSocket.messageCreated
  | typeof ChatSocket.messageEdited
  | typeof ChatSocket.messageDeleted;

/**
 * Sends events to everyone in a chat room, on every instance: through the Redis adapter, a
 * broadcast made here reaches the room's sockets wherever they are connected.
 */
@Injectable()
export class RoomBroadcaster {
  private server: ChatServer | undefined;

  /** Called once the Socket.IO server exists. */
  attach(server: ChatServer): void {
    this.server = server;
  }

  /** Everyone in the room, except `sender` (who gets the acknowledgement instead). */
  to(roomId: string, sender?: ChatConnection): ReturnType<ChatServer['to']> {
    if (!this.server) throw new Error('the Socket.IO server is not running yet');
    const everyone = this.server.to(roomChannel(roomId));
    return sender ? everyone.except(sender.id) : everyone;
  }

  /**
   * A stored message to everyone in its room but `sender`, with the trace of the work that
   * stored it (`traceparent`): a receiving client, wherever it is connected, can join that trace.
   */
  message(event: MessageEvent, message: ChatMessageView, sender?: ChatConnection): void {
    this.to(message.roomId, sender).emit(event, { ...message, ...currentTraceFields() });
  }

  /** Tells every connection of a revoked session why, then ends them, on every instance. */
  endSession(sessionId: string): void {
    if (!this.server) throw new Error('the Socket.IO server is not running yet');
    const connections = this.server.in(sessionChannel(sessionId));
    connections.emit(ChatSocket.tokenExpired, { message: 'session has been revoked' });
    connections.disconnectSockets(true);
  }
}
