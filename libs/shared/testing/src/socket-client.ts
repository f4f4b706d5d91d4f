import { randomUUID } from 'node:crypto';
import {
  ChatSocket,
  type ChatMessageView,
  type RoomView,
  type SocketAck,
} from '@capstone/contracts';
import { io, type Socket } from 'socket.io-client';
import { errorMessage } from '@capstone/errors';

/** Where a socket connects: a port on this machine, or a base URL such as the gateway's. */
export type SocketTarget = number | string;

const urlOf = (target: SocketTarget) =>
  typeof target === 'number' ? `http://127.0.0.1:${target}` : target;

/** A Socket.IO client as a browser would open it (WebSocket only, no automatic reconnection). */
export function openSocket(target: SocketTarget, token?: string): Socket {
  return io(urlOf(target), {
    path: '/socket.io',
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
}

/** Connects, or fails with the server's reason (the `connect_error` message) or after 10 s. */
export function connect(target: SocketTarget, token?: string): Promise<Socket> {
  const socket = openSocket(target, token);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`neither connect nor connect_error from ${urlOf(target)} within 10 s`));
    }, 10_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('connect_error', (error) => {
      clearTimeout(timer);
      socket.close();
      reject(error);
    });
  });
}

/** The message a refused connection gets. */
export async function refusal(target: SocketTarget, token?: string): Promise<string> {
  try {
    const socket = await connect(target, token);
    socket.close();
  } catch (error) {
    return errorMessage(error);
  }
  throw new Error('the connection was accepted');
}

/** Emits a client → server event and waits for its acknowledgement. */
export function ask<T>(socket: Socket, event: string, payload: unknown): Promise<SocketAck<T>> {
  return socket.timeout(5_000).emitWithAck(event, payload) as Promise<SocketAck<T>>;
}

/** The data of a successful acknowledgement; fails the test with the error otherwise. */
export async function expectOk<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
  const ack = await ask<T>(socket, event, payload);
  if (!ack.ok) throw new Error(`${event} was refused: ${ack.error}`);
  return ack.data;
}

/** Makes a public room, as its owner. */
export function publicRoom(owner: Socket, name = `room-${randomUUID().slice(0, 8)}`) {
  return expectOk<RoomView>(owner, ChatSocket.createRoom, { name, kind: 'public' });
}

/** Sends a chat message; resolves to it as stored, once the server has acknowledged it. */
export function sendMessage(
  socket: Socket,
  roomId: string,
  text: string,
  clientMessageId = randomUUID(),
) {
  return expectOk<ChatMessageView>(socket, ChatSocket.sendMessage, {
    roomId,
    text,
    clientMessageId,
  });
}

/** The error of a refused acknowledgement; fails the test if it succeeded. */
export async function expectError(
  socket: Socket,
  event: string,
  payload: unknown,
): Promise<string> {
  const ack = await ask<unknown>(socket, event, payload);
  if (ack.ok) throw new Error(`${event} was accepted`);
  return ack.error;
}

/** Everything a socket receives for an event, from now on. */
export function record<T>(socket: Socket, event: string): T[] {
  const received: T[] = [];
  socket.on(event, (payload: T) => received.push(payload));
  return received;
}

/** The next payload of `event` that `accept` likes, within a few seconds. */
export function next<T>(
  socket: Socket,
  event: string,
  accept: (payload: T) => boolean = () => true,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`no ${event} arrived`));
    }, 5_000);
    const listener = (payload: T) => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      socket.off(event, listener);
      resolve(payload);
    };
    socket.on(event, listener);
  });
}
