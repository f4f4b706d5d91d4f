import { randomUUID } from 'node:crypto';
import {
  ChatSocket,
  type ChatMessageView,
  type ChatUser,
  type RoomView,
} from '@capstone/contracts';
import { expectOk, next, record } from '@capstone/testing';
import type { Socket } from 'socket.io-client';
import type { ServerToClientEvents } from '../../src/realtime/socket-types.js';

/** A socket of a signed-in user, and who that is. */
export type ChatClient = Socket & { readonly user: ChatUser };

/** Makes a public room, as its owner. */
export function publicRoom(owner: Socket, name = `room-${randomUUID().slice(0, 8)}`) {
  return expectOk<RoomView>(owner, ChatSocket.createRoom, { name, kind: 'public' });
}

/** Sends a message and answers it as stored, once the server has acknowledged it. */
export function send(socket: Socket, roomId: string, text: string, clientMessageId = randomUUID()) {
  return expectOk<ChatMessageView>(socket, ChatSocket.sendMessage, {
    roomId,
    text,
    clientMessageId,
  });
}

/** What the server sends with `event`, as the chat's own declaration of its events types it. */
type Sent<E extends keyof ServerToClientEvents> = Parameters<ServerToClientEvents[E]>[0];

/** The next `event` from the server that `accept` likes. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: Socket,
  event: E,
  accept?: (payload: Sent<E>) => boolean,
): Promise<Sent<E>> {
  return next(socket, event, accept);
}

/** Every `event` the server sends the socket from now on. */
export function recordEvents<E extends keyof ServerToClientEvents>(
  socket: Socket,
  event: E,
): Sent<E>[] {
  return record(socket, event);
}
