import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { getModelToken } from '@nestjs/mongoose';
import { ChatRules, type ChatUser } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import {
  createTestKeyspace,
  createTestMongoDatabase,
  type TestKeyspace,
  type TestMongoDatabase,
} from '@capstone/testing';
import { createServiceContext } from '@capstone/service-defaults';
import { Types, type Model } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChatConfig } from '../src/chat.config.js';
import { chatService } from '../src/bootstrap.js';
import { MessagesService } from '../src/messages/messages.service.js';
import { ReadMarkers } from '../src/messages/read-markers.js';
import { RoomListing } from '../src/messages/room-listing.js';
import { Message } from '../src/persistence/message.schema.js';
import { RoomMember } from '../src/persistence/room-member.schema.js';
import { RoomMembers } from '../src/rooms/room-members.js';
import { RoomsService } from '../src/rooms/rooms.service.js';
import { UserDirectory } from '../src/users/user-directory.js';
import { newUser } from './support/chat-stack.js';

/** The stores on a real MongoDB-protocol server (FerretDB in CI), without sockets or broker. */
describe('the chat stores', () => {
  let mongo: TestMongoDatabase;
  let keyspace: TestKeyspace;
  let context: INestApplicationContext;
  let users: UserDirectory;
  let rooms: RoomsService;
  let members: RoomMembers;
  let messages: MessagesService;
  let markers: ReadMarkers;

  beforeAll(async () => {
    mongo = createTestMongoDatabase('chat_stores');
    keyspace = createTestKeyspace('chat-stores');
    const config = loadChatConfig({
      NODE_ENV: 'test',
      MONGO_URL: mongo.url,
      REDIS_URL: keyspace.url,
      REDIS_KEY_PREFIX: keyspace.prefix,
    });
    context = await createServiceContext(chatService(config));
    users = context.get(UserDirectory);
    rooms = context.get(RoomsService);
    members = context.get(RoomMembers);
    messages = context.get(MessagesService);
    markers = context.get(ReadMarkers);
  });

  afterAll(async () => {
    await context?.close();
    await Promise.all([mongo?.drop(), keyspace?.drop()]);
  });

  async function failureOf(work: Promise<unknown>): Promise<[number, unknown]> {
    try {
      await work;
    } catch (error) {
      if (error instanceof ServiceError) return [error.status, error.errors];
      throw error;
    }
    throw new Error('expected a ServiceError');
  }

  async function known(prefix?: string): Promise<ChatUser> {
    const user = newUser(prefix);
    await users.apply({ ...user, version: 1 });
    return user;
  }

  const publicRoom = (owner: ChatUser) =>
    rooms.create(owner, { name: `room-${randomUUID().slice(0, 8)}`, kind: 'public', members: [] });

  const say = (
    author: ChatUser,
    roomId: Types.ObjectId,
    text: string,
    clientMessageId = randomUUID(),
  ) => messages.send(author, { roomId: roomId.toHexString(), text, clientMessageId });

  describe('users projection', () => {
    it('applies each user version once, in any arrival order, even all at once', async () => {
      const user = newUser();
      expect(await users.apply({ ...user, username: 'v2', version: 2 })).toBe(true);
      expect(await users.apply({ ...user, username: 'v1', version: 1 })).toBe(false);
      expect(await users.apply({ ...user, username: 'v2 again', version: 2 })).toBe(false);
      expect(await users.apply({ ...user, username: 'v3', version: 3 })).toBe(true);
      expect(await users.names([user.userId])).toEqual(new Map([[user.userId, 'v3']]));

      // Events are consumed concurrently: the newest must win whatever order they finish in.
      const other = newUser();
      const versions = [4, 2, 7, 1, 6, 3, 5, 7, 2];
      await Promise.all(
        versions.map((version) => users.apply({ ...other, username: `v${version}`, version })),
      );
      expect(await users.names([other.userId])).toEqual(new Map([[other.userId, 'v7']]));
      expect(await users.findByUsernames(['V7', 'v6'])).toEqual([{ ...other, username: 'v7' }]);
    });

    it('knows a user from their token until their first event, which then wins', async () => {
      const user = newUser('early');
      expect(await Promise.all([users.known(user), users.known(user)])).toEqual([
        { ...user, version: 0 },
        { ...user, version: 0 },
      ]);
      expect(await users.findByUsernames([user.username.toUpperCase()])).toEqual([user]);
      await users.apply({ ...user, username: `${user.username}x`, version: 1 });
      // A later connection with an older token changes nothing, and gets the newer name.
      expect(await users.known(user)).toEqual({
        ...user,
        username: `${user.username}x`,
        version: 1,
      });
      expect(await users.names([user.userId])).toEqual(
        new Map([[user.userId, `${user.username}x`]]),
      );
    });
  });

  describe('rooms', () => {
    it('gives public rooms unique names regardless of case', async () => {
      const owner = await known();
      const name = `Lobby ${randomUUID().slice(0, 6)}`;
      await rooms.create(owner, { name, kind: 'public', members: [] });
      expect(
        await failureOf(
          rooms.create(owner, { name: name.toLowerCase(), kind: 'public', members: [] }),
        ),
      ).toEqual([422, { name: ['has already been taken'] }]);
    });

    it('caps the rooms a user creates', async () => {
      const owner = await known('owner');
      for (let index = 0; index < ChatRules.roomsPerUserMax; index += 1) {
        await rooms.create(owner, { name: `mine ${index}`, kind: 'private', members: [] });
      }
      expect(await failureOf(publicRoom(owner))).toEqual([
        422,
        { rooms: [`limit reached (you may create at most ${ChatRules.roomsPerUserMax})`] },
      ]);
    });

    it('lets people join a public room while it has space for them', async () => {
      const [owner, guest] = await Promise.all([known(), known()]);
      const room = await publicRoom(owner);
      const roomId = room._id.toHexString();
      await Promise.all([members.join(guest, roomId), members.join(guest, roomId)]);
      expect(await members.counts([room])).toEqual(new Map([[roomId, 2]]));

      const joined = context.get<Model<RoomMember>>(getModelToken(RoomMember.name));
      await joined.insertMany(
        Array.from({ length: ChatRules.membersPerRoomMax - 2 }, () => ({
          roomId: room._id,
          userId: randomUUID(),
        })),
      );
      expect(await failureOf(members.join(await known(), roomId))).toEqual([
        422,
        { room: [`is full (maximum is ${ChatRules.membersPerRoomMax})`] },
      ]);
      expect((await members.join(guest, roomId))._id).toEqual(room._id); // members still enter
    });

    it('opens exactly one direct conversation per pair, however many open it at once', async () => {
      const [ada, bob] = await Promise.all([known('ada'), known('bob')]);
      const opened = await Promise.all([
        rooms.openDirect(ada, bob.username),
        rooms.openDirect(bob, ada.username),
        rooms.openDirect(ada, bob.username.toUpperCase()),
        rooms.openDirect(bob, ada.username),
      ]);
      expect(new Set(opened.map((room) => room._id.toHexString())).size).toBe(1);
      expect(opened[0]?.members).toEqual([ada.userId, bob.userId].sort());
    });

    it('creates the articles room once, with an empty member list', async () => {
      const [first, second] = await Promise.all([rooms.articlesRoom(), rooms.articlesRoom()]);
      expect(second._id).toEqual(first._id);
      expect(first).toMatchObject({ kind: 'public', members: [], createdBy: null });
    });
  });

  describe('messages', () => {
    it('stores one message for any number of sends with one client id, even at once', async () => {
      const author = await known();
      const room = await publicRoom(author);
      const clientMessageId = randomUUID();
      const sent = await Promise.all(
        Array.from({ length: 8 }, () => say(author, room._id, 'only once', clientMessageId)),
      );
      expect(new Set(sent.map((message) => message.id)).size).toBe(1);
      const model = context.get<Model<Message>>(getModelToken(Message.name));
      expect(await model.countDocuments({ roomId: room._id })).toBe(1);
    });

    it('stores one system message per key, although its author is null', async () => {
      const room = await rooms.articlesRoom();
      const key = `article:${randomUUID()}`;
      const [first, second] = await Promise.all([
        messages.postSystem(room._id, key, 'announced'),
        messages.postSystem(room._id, key, 'announced'),
      ]);
      expect(second.id).toBe(first.id);
      expect(first).toMatchObject({ author: null, clientMessageId: null, text: 'announced' });
    });

    it('pages through history and what was missed without gaps or repeats', async () => {
      const author = await known();
      const room = await publicRoom(author);
      const written: string[] = [];
      for (let index = 0; index < 12; index += 1)
        written.push((await say(author, room._id, `m${index}`)).id);
      const roomId = room._id.toHexString();

      const newestFirst: string[] = [];
      let before: string | undefined;
      do {
        const page = await messages.history({ viewerId: author.userId, roomId, before, limit: 5 });
        newestFirst.push(...page.messages.map((message) => message.id));
        before = page.hasMore ? page.messages.at(-1)?.id : undefined;
      } while (before);
      expect(newestFirst).toEqual([...written].reverse());

      const missed = await messages.since(author, { roomId, after: written[6] ?? '', limit: 100 });
      expect(missed.hasMore).toBe(false);
      expect(missed.messages.map((message) => message.id)).toEqual(written.slice(7));
    });

    it('lets only the author edit or delete, and keeps a deleted message as a placeholder', async () => {
      const [author, other] = await Promise.all([known(), known()]);
      const room = await publicRoom(author);
      const message = await say(author, room._id, 'mine');
      expect(await failureOf(messages.edit(other, message.id, 'yours?'))).toEqual([
        403,
        { message: ['is not yours'] },
      ]);
      expect(await failureOf(messages.delete(other, message.id))).toEqual([
        403,
        { message: ['is not yours'] },
      ]);
      const deleted = await messages.delete(author, message.id);
      expect(deleted).toMatchObject({ text: '', deleted: true });
      expect(await messages.delete(author, message.id)).toEqual(deleted);
      expect(
        await failureOf(messages.edit(other, new Types.ObjectId().toHexString(), 'x')),
      ).toEqual([404, { message: ['not found'] }]);
    });

    it('hides private rooms and their messages from non-members', async () => {
      const [owner, member, outsider] = await Promise.all([known(), known(), known()]);
      const room = await rooms.create(owner, {
        name: 'inner circle',
        kind: 'private',
        members: [member.username],
      });
      const message = await say(member, room._id, 'members only');
      const roomId = room._id.toHexString();
      const notFound = [404, { room: ['not found'] }];
      expect(
        await failureOf(messages.history({ viewerId: outsider.userId, roomId, limit: 10 })),
      ).toEqual(notFound);
      expect(await failureOf(say(outsider, room._id, 'hello?'))).toEqual(notFound);
      expect(await failureOf(messages.edit(outsider, message.id, 'x'))).toEqual([
        404,
        { message: ['not found'] },
      ]);
      const listed = await context.get(RoomListing).forViewer({
        viewerId: outsider.userId,
        limit: ChatRules.roomListLimitMax,
        offset: 0,
      });
      expect(listed.rooms.map((view) => view.id)).not.toContain(room._id.toHexString());
    });
  });

  describe('read markers', () => {
    it("counts others' messages after the marker, not one's own or deleted ones", async () => {
      const [reader, writer] = await Promise.all([known(), known()]);
      const room = await publicRoom(writer);
      const [first, second] = [
        await say(writer, room._id, 'one'),
        await say(writer, room._id, 'two'),
      ];
      await say(reader, room._id, 'mine');
      const deleted = await say(writer, room._id, 'gone');
      await messages.delete(writer, deleted.id);
      const unread = () => markers.unread(reader.userId, [room]);

      expect(await unread()).toEqual(new Map([[room._id.toHexString(), 2]]));
      await markers.markRead(reader, room._id.toHexString(), first.id);
      expect(await unread()).toEqual(new Map([[room._id.toHexString(), 1]]));
      await Promise.all([
        markers.markRead(reader, room._id.toHexString(), second.id),
        markers.markRead(reader, room._id.toHexString(), first.id),
      ]);
      expect(await unread()).toEqual(new Map([[room._id.toHexString(), 0]]));
      expect(
        await failureOf(
          markers.markRead(reader, room._id.toHexString(), new Types.ObjectId().toHexString()),
        ),
      ).toEqual([404, { message: ['not found'] }]);
    });
  });

  it('builds the indexes the queries need before it takes traffic', async () => {
    const model = context.get<Model<Message>>(getModelToken(Message.name));
    const indexes = await model.listIndexes();
    expect(indexes.map((index) => index['key'])).toEqual(
      expect.arrayContaining([
        { roomId: 1, _id: -1 },
        { roomId: 1, senderId: 1, clientMessageId: 1 },
      ]),
    );
  });
});
