import {
  ARTICLES_ROOM_NAME,
  type ChatMessageView,
  type MessagePage,
  type RoomPage,
  type RoomView,
  type SocketAck,
} from '@capstone/contracts';
import { waitFor } from '@capstone/testing';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeArticle } from './support/blog.js';
import { signUp, startStack, type Stack } from './support/stack.js';

describe('chat through the gateway: one origin for REST, Socket.IO and events', () => {
  let stack: Stack;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    stack = await startStack('chat', { chat: true });
  }, 60_000);

  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await stack?.stop();
  });

  function connect(token?: string): Promise<Socket> {
    const socket = io(stack.api.baseUrl, {
      transports: ['websocket'],
      auth: token ? { token } : {},
      reconnection: false,
    });
    sockets.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', reject);
    });
  }

  async function emit<T>(socket: Socket, event: string, payload: unknown): Promise<T> {
    const ack = (await socket.timeout(5_000).emitWithAck(event, payload)) as SocketAck<T>;
    if (!ack.ok) throw new Error(ack.error);
    return ack.data;
  }

  it('accepts a socket with a valid token at /socket.io on the gateway and refuses one without', async () => {
    const account = await signUp(stack.api);
    await expect(connect(account.token)).resolves.toMatchObject({ connected: true });
    await expect(connect()).rejects.toThrow('token is missing');
    await expect(connect('not.a.token')).rejects.toThrow('token is invalid');
  });

  it('lists rooms and pages history over REST, newest first, with no gaps or repeats', async () => {
    const account = await signUp(stack.api);
    const socket = await connect(account.token);
    const room = await emit<RoomView>(socket, 'room:create', {
      name: `history-${Date.now().toString(36)}`,
      kind: 'public',
    });
    await emit(socket, 'room:join', { roomId: room.id });
    const sent: ChatMessageView[] = [];
    for (let i = 0; i < 7; i += 1) {
      sent.push(
        await emit<ChatMessageView>(socket, 'message:send', {
          roomId: room.id,
          text: `message ${i}`,
          clientMessageId: `c${i}`,
        }),
      );
    }

    const rooms = await stack.api.request<RoomPage>('GET', '/api/chat/rooms', {
      token: account.token,
    });
    expect(rooms.status).toBe(200);
    expect(rooms.body.rooms.map((candidate) => candidate.id)).toContain(room.id);
    expect(rooms.body.hasMore).toEqual(expect.any(Boolean));

    const seen: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await stack.api.request<MessagePage>(
        'GET',
        `/api/chat/rooms/${room.id}/messages?limit=3${before ? `&before=${before}` : ''}`,
        { token: account.token },
      );
      expect(page.status).toBe(200);
      seen.push(...page.body.messages.map((message) => message.text));
      before = page.body.messages.at(-1)?.id;
      if (!page.body.hasMore) break;
    }
    expect(seen).toEqual(sent.map((message) => message.text).reverse());

    const invalid = await stack.api.request(
      'GET',
      `/api/chat/rooms/${room.id}/messages?limit=500`,
      { token: account.token },
    );
    expect(invalid.status).toBe(422);
    expect(invalid.body).toEqual({ errors: { limit: ['must be at most 100'] } });
  });

  it('lists rooms a page at a time over REST, with limit and offset bounded', async () => {
    const account = await signUp(stack.api);
    const socket = await connect(account.token);
    const made: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const room = await emit<RoomView>(socket, 'room:create', {
        name: `page-${index}-${Date.now().toString(36)}`,
        kind: 'private',
      });
      made.push(room.id);
    }
    const page = (query: string) =>
      stack.api.request<RoomPage>('GET', `/api/chat/rooms?${query}`, { token: account.token });

    const listed: string[] = [];
    for (let offset = 0; ; offset += 2) {
      const response = await page(`limit=2&offset=${offset}`);
      expect(response.status).toBe(200);
      expect(response.body.rooms.length).toBeLessThanOrEqual(2);
      listed.push(...response.body.rooms.map((room) => room.id));
      if (!response.body.hasMore) break;
    }
    expect(listed).toEqual(expect.arrayContaining(made));
    expect(new Set(listed).size).toBe(listed.length);

    const tooMuch = await page('limit=101&offset=10001');
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body).toEqual({
      errors: { limit: ['must be at most 100'], offset: ['must be at most 10000'] },
    });
  });

  it('refuses a connection past the cap of one user, and typing past its rate limit', async () => {
    const account = await signUp(stack.api);
    const tabs = await Promise.all(Array.from({ length: 10 }, () => connect(account.token)));
    await expect(connect(account.token)).rejects.toThrow(
      'too many connections (at most 10 per user); close one first',
    );

    const [tab] = tabs;
    if (!tab) throw new Error('no connection');
    const room = await emit<RoomView>(tab, 'room:create', {
      name: `typing-${Date.now().toString(36)}`,
      kind: 'public',
    });
    await emit(tab, 'room:join', { roomId: room.id });
    const acks = await Promise.all(
      Array.from(
        { length: 21 },
        () =>
          tab.timeout(5_000).emitWithAck('typing', { roomId: room.id, typing: true }) as Promise<
            SocketAck<unknown>
          >,
      ),
    );
    expect(acks.filter((ack) => !ack.ok)).toEqual([
      {
        ok: false,
        error: expect.stringMatching(
          /^rate limit: at most 20 typing signals every 10 seconds; try again in \d+ s$/,
        ),
      },
    ]);
  });

  it('keeps a private room closed to non-members over REST', async () => {
    const owner = await signUp(stack.api);
    const stranger = await signUp(stack.api);
    const socket = await connect(owner.token);
    const room = await emit<RoomView>(socket, 'room:create', {
      name: `secret-${Date.now().toString(36)}`,
      kind: 'private',
    });
    const attempt = await stack.api.request('GET', `/api/chat/rooms/${room.id}/messages`, {
      token: stranger.token,
    });
    expect(attempt.status).toBe(404);
    expect(
      (
        await stack.api.request('GET', `/api/chat/rooms/${room.id}/messages`, {
          token: owner.token,
        })
      ).status,
    ).toBe(200);
  });

  it('announces a new blog article in the #articles room', async () => {
    const writer = await signUp(stack.api);
    const article = await writeArticle(stack.api, writer.token, {
      title: `Announced ${Date.now().toString(36)}`,
    });
    const announcement = await waitFor(
      async () => {
        const rooms = await stack.api.request<RoomPage>('GET', '/api/chat/rooms', {
          token: writer.token,
        });
        const articles = rooms.body.rooms.find((room) => room.name === ARTICLES_ROOM_NAME);
        if (!articles) return undefined;
        const page = await stack.api.request<MessagePage>(
          'GET',
          `/api/chat/rooms/${articles.id}/messages`,
          { token: writer.token },
        );
        return page.body.messages.find((message) => message.text.includes(article.title));
      },
      { timeoutMs: 15_000, what: 'the #articles announcement' },
    );
    expect(announcement.author).toBeNull();
    expect(announcement.text).toContain(article.slug);
  });
});
