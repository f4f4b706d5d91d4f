import { next } from '@capstone/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { newUser, portOf, useChatStack } from './support/chat-stack.js';

/** Engine.IO's first request of an HTTP long-polling session, as a browser's fallback sends it. */
async function pollingHandshake(port: number): Promise<{ status: number; body: string }> {
  const response = await fetch(`http://127.0.0.1:${port}/socket.io/?EIO=4&transport=polling`);
  return { status: response.status, body: await response.text() };
}

/**
 * Which Socket.IO transports the chat takes: WebSocket always; HTTP long-polling only while
 * SOCKET_LONG_POLLING allows it, since each polling request of a session must reach the instance
 * that holds it, which several instances behind a Service without sticky sessions cannot promise.
 */
describe('the chat’s Socket.IO transports', () => {
  const stack = useChatStack('transports');
  let websocketOnly: number;
  let withPolling: number;

  beforeAll(async () => {
    websocketOnly = portOf(await stack.start({ SOCKET_LONG_POLLING: false }));
    withPolling = portOf(await stack.start());
  });

  it('refuses a long-polling handshake with SOCKET_LONG_POLLING=false, and says the transport is unknown', async () => {
    expect(await pollingHandshake(websocketOnly)).toEqual({
      status: 400,
      body: JSON.stringify({ code: 0, message: 'Transport unknown' }),
    });
  });

  it('refuses a client that tries long-polling, and connects one on WebSocket', async () => {
    const { io } = await import('socket.io-client');
    const polling = stack.track(
      io(`http://127.0.0.1:${websocketOnly}`, {
        transports: ['polling'],
        reconnection: false,
        auth: { token: await stack.token(newUser()) },
      }),
    );
    const refused = await next<Error & { description?: unknown }>(polling, 'connect_error');
    expect([refused.message, refused.description]).toEqual(['xhr poll error', 400]);

    const socket = await stack.client(websocketOnly);
    expect(socket.connected).toBe(true);
  });

  it('takes long-polling by default, as compose’s single chat does', async () => {
    const { status, body } = await pollingHandshake(withPolling);
    expect(status).toBe(200);
    expect(body).toMatch(/^0\{"sid":"/);
  });
});
