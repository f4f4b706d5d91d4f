import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import {
  ARTICLES_ROOM_NAME,
  AuthEvents,
  BlogEvents,
  CHAT_EVENTS_QUEUE,
  CHAT_QUEUE,
  ChatRpc,
  ChatSocket,
  EVENTS_EXCHANGE,
  type ChatMessageView,
  type ChatUser,
  type RoomPage,
  type RoomView,
} from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import type { BrokerClient } from '@capstone/messaging';
import {
  connect,
  expectOk,
  publicRoom,
  RawRpc,
  refusal,
  sendMessage,
  serviceClient,
  TestEventsExchange,
  waitFor,
} from '@capstone/testing';
import { getConnectionToken } from '@nestjs/mongoose';
import { ObjectId } from 'mongodb';
import type { Connection } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessagesService } from '../src/messages/messages.service.js';
import { RoomActivity } from '../src/rooms/room-activity.js';
import { nextEvent } from './support/chat-client.js';
import { newUser, portOf, useChatStack } from './support/chat-stack.js';
import { decodeJwt } from 'jose';

/**
 * The chat seen through RabbitMQ: other services' events published to `capstone.events` as their
 * outbox relays do, and the gateway's requests sent to `chat.rpc`.
 */
describe('the chat service over RabbitMQ', () => {
  const stack = useChatStack('broker');
  let app: INestApplication;
  let chat: BrokerClient;
  let exchange: TestEventsExchange;
  let raw: RawRpc;

  beforeAll(async () => {
    app = await stack.start();
    chat = serviceClient('chat', stack.vhost.url, CHAT_QUEUE);
    exchange = await TestEventsExchange.connect(stack.vhost.url);
    raw = await RawRpc.connect(stack.vhost.url);
  });

  afterAll(async () => {
    await Promise.all([raw?.close(), exchange?.close(), chat?.onApplicationShutdown()]);
  });

  /** A user as the auth service announces it. */
  function registered(user: ChatUser, version = 1): void {
    exchange.publish(AuthEvents.userRegistered.name, {
      ...user,
      email: `${user.username}@example.com`,
      bio: null,
      image: null,
      version,
    });
  }

  const client = (user: ChatUser) => stack.client(portOf(app), user);

  /**
   * Waits until a marker event published after the others has been applied, then a moment more:
   * the consumer handles up to 20 events at once, so the ones before it may still be finishing.
   */
  async function settled(): Promise<void> {
    const marker = newUser('marker');
    registered(marker);
    await waitFor(
      async () =>
        (await stack.db().collection('users').findOne({ userId: marker.userId })) ?? undefined,
      { what: 'the marker event' },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
  }

  function article(title: string) {
    const articleId = randomUUID();
    return {
      articleId,
      slug: `${title.toLowerCase().replace(/\W+/g, '-')}-${articleId.slice(0, 6)}`,
      title,
      authorId: randomUUID(),
      authorUsername: 'writer',
      tagList: [],
    };
  }

  it("ends a revoked session's connections at once and refuses its token afterwards", async () => {
    const user = newUser('revoked');
    const token = await stack.token(user);
    const sessionId = String(decodeJwt(token)['sid']);
    const socket = stack.track(await connect(portOf(app), token));
    const told = nextEvent(socket, ChatSocket.tokenExpired);
    const disconnected = new Promise<string>((resolve) => socket.once('disconnect', resolve));

    exchange.publish(AuthEvents.sessionRevoked.name, {
      sessionId,
      userId: user.userId,
      reason: 'logged out',
    });
    expect(await told).toEqual({ message: 'session has been revoked' });
    expect(await disconnected).toBe('io server disconnect');
    expect(await refusal(portOf(app), token)).toBe('token has been revoked');

    const otherSession = await client(user);
    expect(otherSession.connected).toBe(true);
  });

  it('announces each new article once in the articles room, live to those in it', async () => {
    const reader = newUser('reader');
    const first = article('Hello <world> & friends');
    exchange.publish(BlogEvents.articleCreated.name, first);
    const room = await waitFor(
      async () =>
        (await chat.send(ChatRpc.listRooms, { viewerId: reader.userId })).rooms.find(
          (candidate) => candidate.name === ARTICLES_ROOM_NAME,
        ),
      { what: 'the articles room' },
    );
    expect(room).toMatchObject({ kind: 'public', unread: 1 });

    const socket = await client(reader);
    await expectOk(socket, ChatSocket.joinRoom, { roomId: room.id });
    const second = article('Second post');
    const announced = nextEvent(socket, ChatSocket.messageCreated);
    const eventId = randomUUID();
    exchange.publish(BlogEvents.articleCreated.name, second, eventId);
    expect(await announced).toMatchObject({
      roomId: room.id,
      author: null,
      text: `New article by writer: Second post (${second.slug})`,
      clientMessageId: null,
    });

    // The relay may send an event twice; the same article may not be announced twice.
    exchange.publish(BlogEvents.articleCreated.name, second, eventId);
    exchange.publish(BlogEvents.articleCreated.name, second);
    exchange.publish(BlogEvents.articleCreated.name, first);
    await settled();
    const history = await chat.send(ChatRpc.history, {
      viewerId: reader.userId,
      roomId: room.id,
      limit: 10,
    });
    expect(history.messages.map((message) => message.text)).toEqual([
      `New article by writer: Second post (${second.slug})`,
      `New article by writer: Hello <world> & friends (${first.slug})`,
    ]);
  });

  it('keeps a users projection: renames show on old messages, older events change nothing', async () => {
    const ada = newUser('ada');
    registered(ada);
    await settled();
    const socket = await client(ada);
    const room = await publicRoom(socket, `rename-${randomUUID().slice(0, 6)}`);
    await sendMessage(socket, room.id, 'written before the rename');

    const renamed = { ...ada, username: `${ada.username}-renamed` };
    exchange.publish(AuthEvents.userUpdated.name, {
      ...renamed,
      email: 'a@example.com',
      bio: null,
      image: null,
      version: 3,
    });
    registered(ada, 1); // late and older: ignored
    exchange.publish(AuthEvents.userUpdated.name, { ...renamed, username: 'stale', version: 2 }); // ignored
    exchange.publish(AuthEvents.userUpdated.name, { userId: ada.userId }); // malformed: dropped

    const authors = async () =>
      (
        await chat.send(ChatRpc.history, { viewerId: ada.userId, roomId: room.id, limit: 10 })
      ).messages.map((message) => message.author);
    await waitFor(
      async () => ((await authors())[0]?.username === renamed.username ? true : undefined),
      { what: 'the new name on the old message' },
    );
    await settled();
    expect(await authors()).toEqual([renamed]);
    expect(await stack.db().collection('users').findOne({ userId: ada.userId })).toMatchObject({
      username: renamed.username,
      version: 3,
    });
    expect(await exchange.waiting(CHAT_EVENTS_QUEUE)).toBe(0);
  });

  it('applies the gateway’s copy of a profile change (chat.user.apply) at once, by version', async () => {
    const bo = newUser('bo');
    registered(bo);
    await settled();
    const socket = await client(bo);
    const room = await publicRoom(socket, `copy-${randomUUID().slice(0, 6)}`);
    await sendMessage(socket, room.id, 'written before the rename');
    const profile = {
      ...bo,
      username: `${bo.username}-copied`,
      email: 'bo@example.com',
      bio: null,
      image: null,
      version: 2,
    };

    expect(await chat.send(ChatRpc.applyUser, profile)).toEqual({ applied: true });
    const history = await chat.send(ChatRpc.history, {
      viewerId: bo.userId,
      roomId: room.id,
      limit: 10,
    });
    expect(history.messages.map((message) => message.author?.username)).toEqual([profile.username]);
    // The user.updated event of the same version comes after it: nothing is left to do.
    expect(await chat.send(ChatRpc.applyUser, profile)).toEqual({ applied: false });
    expect(await chat.send(ChatRpc.applyUser, { ...profile, version: 1 })).toEqual({
      applied: false,
    });
    const refused = await chat
      .send(ChatRpc.applyUser, { ...profile, username: 'no spaces', version: 0 })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ServiceError);
    expect((refused as ServiceError).errors).toEqual({
      username: ['may only contain letters, digits, _, - and .'],
      version: ['must be at least 1'],
    });
  });

  /** The chat's MongoDB calls while `work` runs, as `collection.method` (Mongoose's debug hook). */
  async function databaseCalls(work: () => Promise<unknown>): Promise<string[]> {
    const connection = app.get<Connection>(getConnectionToken());
    const calls: string[] = [];
    connection.set('debug', (collection: string, method: string) => {
      calls.push(`${collection}.${method}`);
    });
    try {
      await work();
    } finally {
      connection.set('debug', false);
    }
    return calls;
  }

  it('lists the rooms a viewer belongs to and the public ones, with unread counts', async () => {
    const [ada, bob, eve] = [newUser('ada'), newUser('bob'), newUser('eve')];
    const [adaSocket, bobSocket] = await Promise.all([client(ada), client(bob), client(eve)]);
    const secret = await expectOk<RoomView>(adaSocket, ChatSocket.createRoom, {
      name: 'ada and bob',
      kind: 'private',
      members: [bob.username],
    });
    const sent: ChatMessageView[] = [];
    for (const text of ['one', 'two', 'three']) {
      sent.push(await sendMessage(adaSocket, secret.id, text));
    }
    const unreadOf = async (viewer: ChatUser) =>
      (await chat.send(ChatRpc.listRooms, { viewerId: viewer.userId })).rooms.find(
        (room) => room.id === secret.id,
      )?.unread;

    expect(await unreadOf(bob)).toBe(3);
    expect(await unreadOf(ada)).toBe(0); // one's own messages are read
    expect(await unreadOf(eve)).toBeUndefined(); // not even listed

    await expectOk(bobSocket, ChatSocket.markRead, { roomId: secret.id, messageId: sent[1]?.id });
    await expectOk(bobSocket, ChatSocket.markRead, { roomId: secret.id, messageId: sent[0]?.id });
    expect(await unreadOf(bob)).toBe(1); // a marker never moves back
  });

  it("counts every listed room's unread messages in one aggregation, not one count per room", async () => {
    const [ada, bob] = [newUser('ada'), newUser('bob')];
    const [adaSocket, bobSocket] = await Promise.all([client(ada), client(bob)]);
    const privateRoom = (name: string) =>
      expectOk<RoomView>(adaSocket, ChatSocket.createRoom, {
        name,
        kind: 'private',
        members: [bob.username],
      });
    const [plans, quiet, lobby] = [
      await privateRoom('plans'),
      await privateRoom('quiet'),
      await publicRoom(adaSocket, `lobby-${randomUUID().slice(0, 6)}`),
    ];
    await expectOk(bobSocket, ChatSocket.joinRoom, { roomId: lobby.id });
    const say = (socket: typeof adaSocket, room: RoomView, count: number) =>
      Promise.all(
        Array.from({ length: count }, (_, index) => sendMessage(socket, room.id, `${index}`)),
      );
    const planned = await say(adaSocket, plans, 4);
    const [regretted] = await say(adaSocket, quiet, 2);
    await say(adaSocket, lobby, 3);
    await say(bobSocket, lobby, 2); // bob's own: never unread for him
    await expectOk(adaSocket, ChatSocket.deleteMessage, { messageId: regretted?.id });
    const newestRead = planned.map((message) => message.id).sort()[1];
    await expectOk(bobSocket, ChatSocket.markRead, { roomId: plans.id, messageId: newestRead });

    let page: RoomPage | undefined;
    const calls = await databaseCalls(async () => {
      page = await chat.send(ChatRpc.listRooms, { viewerId: bob.userId });
    });
    const listed = new Map(page?.rooms.map((room) => [room.id, room]));
    expect(listed.get(plans.id)).toMatchObject({ unread: 2, memberCount: 2 });
    expect(listed.get(quiet.id)).toMatchObject({ unread: 1, memberCount: 2 });
    expect(listed.get(lobby.id)).toMatchObject({ unread: 3, memberCount: 2 });
    expect(calls.filter((call) => call.startsWith('messages.'))).toEqual(['messages.aggregate']);
    // No collection is asked more than once, however many rooms the page holds.
    expect(calls).toEqual([...new Set(calls)]);
  });

  it('lists rooms a page at a time: 50 by default, at most 100, each room once', async () => {
    const viewer = newUser('member');
    // 150 private rooms of the viewer, each last active a minute after the one before.
    const since = Date.parse('2020-01-01T00:00:00Z');
    const rooms = Array.from({ length: 150 }, (_, index) => {
      const _id = new ObjectId();
      return {
        _id,
        key: `private:${_id.toHexString()}`,
        name: `room ${index}`,
        kind: 'private',
        members: [viewer.userId],
        createdBy: viewer.userId,
        createdAt: new Date(since),
        lastMessageAt: new Date(since + index * 60_000),
      };
    });
    await stack.db().collection('rooms').insertMany(rooms);
    const newestFirst = rooms.map((room) => room._id.toHexString()).reverse();
    // Earlier tests' rooms would move up while this one pages (the documented caveat of offset
    // paging) when their last activity is written, shortly after their messages: written now.
    await app.get(RoomActivity).write();

    const first = await chat.send(ChatRpc.listRooms, { viewerId: viewer.userId });
    expect(first.rooms).toHaveLength(50);
    expect(first.hasMore).toBe(true);
    const listed: string[] = [];
    let offset = 0;
    for (;;) {
      const page = await chat.send(ChatRpc.listRooms, { viewerId: viewer.userId, offset });
      expect(page.rooms.length).toBeLessThanOrEqual(50);
      listed.push(...page.rooms.map((room) => room.id));
      offset += page.rooms.length;
      if (!page.hasMore) break;
    }
    expect(listed.filter((id) => newestFirst.includes(id))).toEqual(newestFirst);
    expect(new Set(listed).size).toBe(listed.length);

    const widest = await chat.send(ChatRpc.listRooms, { viewerId: viewer.userId, limit: 100 });
    expect(widest.rooms).toHaveLength(100);
    const beyond = { viewerId: viewer.userId, limit: 101, offset: 10_001 };
    const refused = await raw.request(CHAT_QUEUE, ChatRpc.listRooms.pattern, beyond);
    expect(refused.err).toEqual({
      status: 422,
      errors: { limit: ['must be at most 100'], offset: ['must be at most 10000'] },
    });
  });

  it('pages through the history newest first, without gaps or repeats', async () => {
    const ada = newUser('ada');
    const socket = await client(ada);
    const room = await publicRoom(socket, `paging-${randomUUID().slice(0, 6)}`);
    const messages = app.get(MessagesService);
    const write = (text: string) =>
      messages.send(ada, { roomId: room.id, text, clientMessageId: randomUUID() });
    const written: string[] = [];
    for (let index = 0; index < 23; index += 1) written.push((await write(`m${index}`)).id);

    const read: string[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await chat.send(ChatRpc.history, {
        viewerId: ada.userId,
        roomId: room.id,
        before,
        limit: 5,
      });
      read.push(...page.messages.map((message) => message.id));
      await write('arrives while paging'); // newer: never on the pages still to come
      before = page.messages.at(-1)?.id;
      if (!page.hasMore) break;
    }
    expect(read).toEqual([...written].reverse());
  });

  it('keeps private histories to members and refuses bad requests with their reason', async () => {
    const [ada, eve] = [newUser('ada'), newUser('eve')];
    const socket = await client(ada);
    const room = await expectOk<RoomView>(socket, ChatSocket.createRoom, {
      name: 'private',
      kind: 'private',
    });
    const failureOf = async (request: { viewerId: string; roomId: string; limit: number }) => {
      try {
        await chat.send(ChatRpc.history, request);
      } catch (error) {
        if (error instanceof ServiceError) return [error.status, error.errors];
        throw error;
      }
      throw new Error('the request succeeded');
    };
    expect(await failureOf({ viewerId: eve.userId, roomId: room.id, limit: 10 })).toEqual([
      404,
      { room: ['not found'] },
    ]);
    expect(await failureOf({ viewerId: ada.userId, roomId: room.id, limit: 500 })).toEqual([
      422,
      { limit: ['must be at most 100'] },
    ]);
    expect(await failureOf({ viewerId: ada.userId, roomId: 'x', limit: 10 })).toEqual([
      422,
      { roomId: ['is not a valid id'] },
    ]);
  });

  it.each<[string, string, unknown, Record<string, string[]>]>([
    ['rooms for nobody', ChatRpc.listRooms.pattern, {}, { viewerId: ["can't be blank"] }],
    [
      'rooms for a number',
      ChatRpc.listRooms.pattern,
      { viewerId: 7 },
      { viewerId: ['is invalid'] },
    ],
    [
      'history of an operator object',
      ChatRpc.history.pattern,
      { viewerId: randomUUID(), roomId: { $gt: '' } },
      { roomId: ['must be an id'] },
    ],
    [
      'history with a huge page and a stray field',
      ChatRpc.history.pattern,
      { viewerId: randomUUID(), roomId: '0123456789abcdef01234567', limit: 1e9, sort: 'x' },
      { limit: ['must be at most 100'], sort: ['is not allowed'] },
    ],
  ])(
    'answers %s put straight on its queue with 422 naming the field',
    async (_case, pattern, payload, errors) => {
      const reply = await raw.request(CHAT_QUEUE, pattern, payload);
      expect(reply.err).toEqual({ status: 422, errors });
      const rooms = await raw.request(CHAT_QUEUE, ChatRpc.listRooms.pattern, {
        viewerId: randomUUID(),
      });
      expect(rooms.response).toEqual({ rooms: expect.any(Array), hasMore: expect.any(Boolean) });
    },
  );

  it('binds its events queue to the events it handles, and nothing else', async () => {
    expect(await stack.vhost.bindingsOf(CHAT_EVENTS_QUEUE, EVENTS_EXCHANGE)).toEqual([
      'article.created',
      'session.revoked',
      'user.registered',
      'user.updated',
    ]);
  });
});
