import {
  ChatSocket,
  type ChatMessageView,
  type MessagePage,
  type ProfileView,
  type RoomPage,
  type RoomView,
} from '@capstone/contracts';
import { connect, expectOk, next, publicRoom, sendMessage } from '@capstone/testing';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  writeArticle,
  type ArticleBody,
  type ArticleListBody,
  type CommentBody,
  type CommentsBody,
  type ProfileBody,
} from './support/blog.js';
import { signUp, startStack, type Stack } from './support/stack.js';

/** Reads straight after a write wins a race against the events only by luck: so, several times. */
const ROUNDS = 5;

type Profile = Pick<ProfileView, 'username' | 'bio' | 'image'>;

describe('read your own writes: a profile change shows in the very next read', () => {
  let stack: Stack;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    stack = await startStack('read-writes', { chat: true });
  }, 60_000);

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await stack?.stop();
  });

  const get = <T>(path: string, token?: string) =>
    stack.api.request<T>('GET', path, token === undefined ? {} : { token });

  async function changeProfile(token: string, changes: Partial<Profile>): Promise<void> {
    const response = await stack.api.request('PUT', '/api/user', {
      token,
      body: { user: changes },
    });
    expect(response.status).toBe(200);
  }

  async function socketOf(token: string): Promise<Socket> {
    const socket = await connect(stack.api.baseUrl, token);
    sockets.push(socket);
    return socket;
  }

  it('knows a new user everywhere right after sign-up', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const account = await signUp(stack.api);
      const profile = await get<ProfileBody>(`/api/profiles/${account.username}`);
      expect(profile.status).toBe(200);
      expect(profile.body.profile.username).toBe(account.username);
      const rooms = await get<RoomPage>('/api/chat/rooms', account.token);
      expect(rooms.status).toBe(200);
    }
  });

  it('shows a new username, bio and image in the profile, the author’s list, an article and its comments, cached or not', async () => {
    const writer = await signUp(stack.api);
    const { slug } = await writeArticle(stack.api, writer.token);
    const commented = await stack.api.request<CommentBody>(
      'POST',
      `/api/articles/${slug}/comments`,
      { token: writer.token, body: { comment: { body: 'my own comment' } } },
    );
    expect(commented.status).toBe(201);
    const readsOf = (username: string) => [
      `/api/profiles/${username}`,
      `/api/articles?author=${username}`,
      `/api/articles/${slug}`,
      `/api/articles/${slug}/comments`,
    ];

    let previous = writer.username;
    for (let round = 0; round < ROUNDS; round += 1) {
      // Twice each, so that the old answers are in the cache when the change is made.
      for (const path of [...readsOf(previous), ...readsOf(previous)])
        expect((await get(path)).status, path).toBe(200);

      const profile: Profile = {
        username: `${writer.username}-${round}`,
        bio: `bio of round ${round}`,
        image: `https://example.com/round-${round}.png`,
      };
      await changeProfile(writer.token, profile);

      const [shown, list, article, comments] = readsOf(profile.username);
      expect((await get<ProfileBody>(shown ?? '')).body.profile).toMatchObject(profile);
      expect((await get<ArticleListBody>(list ?? '')).body.articles[0]?.author).toMatchObject(
        profile,
      );
      expect((await get<ArticleBody>(article ?? '')).body.article.author).toMatchObject(profile);
      expect((await get<CommentsBody>(comments ?? '')).body.comments[0]?.author).toMatchObject(
        profile,
      );
      expect((await get(`/api/profiles/${previous}`)).status).toBe(404);
      expect(
        (await get<ArticleListBody>(`/api/articles?author=${previous}`)).body.articlesCount,
      ).toBe(0);
      previous = profile.username;
    }
  });

  it('shows a new username in chat history, in a direct room’s name and on messages sent after it', async () => {
    const writer = await signUp(stack.api);
    const reader = await signUp(stack.api);
    const [writing, reading] = await Promise.all([socketOf(writer.token), socketOf(reader.token)]);
    const room = await publicRoom(writing);
    await expectOk(reading, ChatSocket.joinRoom, { roomId: room.id });
    await sendMessage(writing, room.id, 'before the change');
    const direct = await expectOk<RoomView>(reading, ChatSocket.openDirect, {
      username: writer.username,
    });

    for (let round = 0; round < ROUNDS; round += 1) {
      const username = `${writer.username}-${round}`;
      await changeProfile(writer.token, { username });

      const history = await get<MessagePage>(`/api/chat/rooms/${room.id}/messages`, reader.token);
      expect(history.body.messages.map((message) => message.author?.username)).toEqual(
        Array.from({ length: round + 1 }, () => username),
      );
      const rooms = await get<RoomPage>('/api/chat/rooms', reader.token);
      expect(rooms.body.rooms.find((each) => each.id === direct.id)?.name).toBe(username);

      const received = next<ChatMessageView>(
        reading,
        ChatSocket.messageCreated,
        (message) => message.text === `round ${round}`,
      );
      const sent = await sendMessage(writing, room.id, `round ${round}`);
      expect([sent.author?.username, (await received).author?.username]).toEqual([
        username,
        username,
      ]);
    }
  });
});

describe('a profile change while the chat does not answer', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack('read-writes-no-chat', {
      gateway: { PROFILE_SYNC_TIMEOUT_MS: 300 },
    });
  });

  afterAll(() => stack?.stop());

  it('is answered once the deadline passes, made, and shown by the blog at once', async () => {
    const writer = await signUp(stack.api);
    const path = `/api/profiles/${writer.username}`;
    await stack.api.request('GET', path);

    const started = performance.now();
    const update = await stack.api.request('PUT', '/api/user', {
      token: writer.token,
      body: { user: { bio: 'written while the chat is away' } },
    });
    const waited = performance.now() - started;
    expect(update.status).toBe(200);
    expect(waited).toBeLessThan(2_000);
    const shown = await stack.api.request<ProfileBody>('GET', path);
    expect(shown.body.profile.bio).toBe('written while the chat is away');
  });
});
