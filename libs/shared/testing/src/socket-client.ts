import type { SocketAck } from '@capstone/contracts';
import { io, type Socket } from 'socket.io-client';

/** A Socket.IO client as a browser would open it (WebSocket only, no automatic reconnection). */
export function openSocket(port: number, token?: string): Socket {
  return io(`http://127.0.0.1:${port}`, {
    path: '/socket.io',
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
  });
}

/** Connects, or fails with the server's reason (the `connect_error` message). */
export function connect(port: number, token?: string): Promise<Socket> {
  const socket = openSocket(port, token);
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** The message a refused connection gets. */
export async function refusal(port: number, token?: string): Promise<string> {
  try {
    const socket = await connect(port, token);
    socket.close();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
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

/**
 * Waits, if need be, until a rate-limit window has at least a second left, so a burst of sends
 * falls into one window and the test can count exactly.
 */
export async function freshRateWindow(windowMs: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < 1_000) await new Promise((resolve) => setTimeout(resolve, left + 10));
}
