import type { ChatUser } from '@capstone/contracts';
import { next, record } from '@capstone/testing';
import type { Socket } from 'socket.io-client';
import type { ServerToClientEvents } from '../../src/realtime/socket-types.js';

/** A socket of a signed-in user, and who that is. */
export type ChatClient = Socket & { readonly user: ChatUser };

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
