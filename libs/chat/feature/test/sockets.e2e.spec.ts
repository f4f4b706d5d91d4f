import { randomUUID } from 'node:crypto';
import { ChatRules, ChatSocket, type ChatMessageView, type RoomView } from '@capstone/contracts';
import { ObjectId } from 'mongodb';
import type { RateLimit } from '@capstone/redis';
import {
  ask,
  expectError,
  expectOk,
  next,
  publicRoom,
  refusal,
  sendMessage,
  waitFor,
} from '@capstone/testing';
import type { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ChatConfig } from '../src/chat.config.js';
import type { MissedMessages } from '../src/messages/messages.service.js';
import { nextEvent, recordEvents, type ChatClient } from './support/chat-client.js';
import { newUser, portOf, useChatStack } from './support/chat-stack.js';
import { watchPresence } from './support/presence-watch.js';

/** The chat app as it runs in production, driven with socket.io-client as the web page does. */
describe('the chat over Socket.IO', () => {
  const stack = useChatStack('sockets');
  let app: INestApplication;
  let port: number;

  beforeAll(async () => {
    app = await stack.start();
    port = portOf(app);
  });

  /** A connected client of a new user. */
  const client = (user = newUser()) => stack.client(port, user);

  /** Two new users' clients, both joined to a public room the first one made. */
  async function twoInARoom(): Promise<[ChatClient, ChatClient, RoomView]> {
    const [ada, bob] = await Promise.all([client(), client()]);
    const room = await publicRoom(ada);
    await expectOk(ada, ChatSocket.joinRoom, { roomId: room.id });
    await expectOk(bob, ChatSocket.joinRoom, { roomId: room.id });
    return [ada, bob, room];
  }

  describe('authentication in the handshake', () => {
    it('refuses a connection without a token, with a bad one, or with an expired one', async () => {
      const user = newUser();
      expect(await refusal(port)).toBe('token is missing');
      expect(await refusal(port, 'not-a-jwt')).toBe('token is invalid');
      expect(await refusal(port, await stack.token(user, { forged: true }))).toBe(
        'token is invalid',
      );
      expect(await refusal(port, await stack.token(user, { expiresIn: -10 }))).toBe(
        'token has expired',
      );
    });

    it('accepts a token verified with the keys the auth service serves over the broker', async () => {
      const socket = await client();
      expect(socket.connected).toBe(true);
    });

    it('accepts the token in an Authorization header too', async () => {
      const { io } = await import('socket.io-client');
      const socket = io(`http://127.0.0.1:${port}`, {
        transports: ['websocket'],
        reconnection: false,
        extraHeaders: { authorization: `Bearer ${await stack.token(newUser())}` },
      });
      stack.track(socket);
      await next(socket, 'connect');
    });

    it('tells a connected client when its token expires, and disconnects it', async () => {
      const socket = await stack.client(port, newUser(), { expiresIn: 2 });
      const disconnected = next<string>(socket, 'disconnect');
      expect(await nextEvent(socket, ChatSocket.tokenExpired)).toEqual({
        message: 'token has expired',
      });
      expect(await disconnected).toBe('io server disconnect');
    });
  });

  describe('messages', () => {
    it('delivers a message to the others in the room and acknowledges the sender once stored', async () => {
      const [ada, bob, room] = await twoInARoom();
      const adaReceived = recordEvents(ada, ChatSocket.messageCreated);
      const incoming = nextEvent(bob, ChatSocket.messageCreated);

      const text = '  <b>bold?</b> & "quotes" — 😀  ';
      const clientMessageId = randomUUID();
      const sent = await sendMessage(ada, room.id, text, clientMessageId);

      // The acknowledgement comes only after MongoDB stored the message.
      const stored = await stack
        .db()
        .collection('messages')
        .findOne({ _id: new ObjectId(sent.id) });
      expect(stored).toMatchObject({ text: text.trim(), clientMessageId });
      expect(sent).toMatchObject({
        roomId: room.id,
        author: ada.user,
        text: text.trim(), // trimmed, never escaped
        clientMessageId,
        editedAt: null,
        deleted: false,
      });
      expect(Date.parse(sent.createdAt)).not.toBeNaN();
      expect(await incoming).toEqual(sent);
      expect(adaReceived).toEqual([]); // the sender has the acknowledgement instead
    });

    it('stores a retried send once and answers it with the stored message', async () => {
      const ada = await client();
      const room = await publicRoom(ada);
      const clientMessageId = randomUUID();
      const [first, second] = await Promise.all([
        sendMessage(ada, room.id, 'once', clientMessageId),
        sendMessage(ada, room.id, 'once', clientMessageId),
      ]);
      const third = await sendMessage(ada, room.id, 'once, again', clientMessageId);
      expect(second).toEqual(first);
      expect(third).toEqual(first);
      expect(await stack.db().collection('messages').countDocuments({ clientMessageId })).toBe(1);
    });

    it('refuses blank, oversized and malformed messages with a reason', async () => {
      const ada = await client();
      const room = await publicRoom(ada);
      const id = randomUUID();
      expect(
        await expectError(ada, ChatSocket.sendMessage, {
          roomId: room.id,
          text: '   ',
          clientMessageId: id,
        }),
      ).toBe("text: can't be blank");
      expect(
        await expectError(ada, ChatSocket.sendMessage, {
          roomId: room.id,
          text: 'x'.repeat(ChatRules.textMaxLength + 1),
          clientMessageId: id,
        }),
      ).toBe(`text: is too long (maximum is ${ChatRules.textMaxLength} characters)`);
      // Characters, not bytes or UTF-16 units: 2000 emoji are fine.
      await sendMessage(ada, room.id, '😀'.repeat(ChatRules.textMaxLength));
      expect(await expectError(ada, ChatSocket.sendMessage, 'hello')).toBe(
        'payload: must be an object',
      );
      expect(await expectError(ada, ChatSocket.sendMessage, { roomId: 'nope', text: 1 })).toBe(
        "roomId: is not a valid id; text: must be text; clientMessageId: can't be blank",
      );
      expect(
        await expectError(ada, ChatSocket.sendMessage, {
          roomId: new ObjectId().toHexString(),
          text: 'hi',
          clientMessageId: id,
        }),
      ).toBe('room: not found');
    });

    it('closes a connection that sends a frame larger than the payload limit', async () => {
      const ada = await client();
      const room = await publicRoom(ada);
      const disconnected = next<string>(ada, 'disconnect');
      ada.emit(ChatSocket.sendMessage, {
        roomId: room.id,
        text: 'x'.repeat(ChatRules.payloadMaxBytes + 1),
        clientMessageId: randomUUID(),
      });
      expect(await disconnected).toBe('transport close');
      expect(
        await stack
          .db()
          .collection('messages')
          .countDocuments({ roomId: new ObjectId(room.id) }),
      ).toBe(0);
    });

    it('lets only the author edit or delete a message, and tells the room', async () => {
      const [ada, bob] = await Promise.all([client(), client()]);
      const room = await publicRoom(ada);
      await expectOk(bob, ChatSocket.joinRoom, { roomId: room.id });
      const sent = await sendMessage(ada, room.id, 'first version');

      expect(
        await expectError(bob, ChatSocket.editMessage, { messageId: sent.id, text: 'hijacked' }),
      ).toBe('message: is not yours');
      expect(await expectError(bob, ChatSocket.deleteMessage, { messageId: sent.id })).toBe(
        'message: is not yours',
      );

      const edited = nextEvent(bob, ChatSocket.messageEdited);
      const afterEdit = await expectOk<ChatMessageView>(ada, ChatSocket.editMessage, {
        messageId: sent.id,
        text: 'second version',
      });
      expect(afterEdit).toMatchObject({ id: sent.id, text: 'second version', deleted: false });
      expect(afterEdit.editedAt).not.toBeNull();
      expect(await edited).toEqual(afterEdit);

      const deleted = nextEvent(bob, ChatSocket.messageDeleted);
      const afterDelete = await expectOk<ChatMessageView>(ada, ChatSocket.deleteMessage, {
        messageId: sent.id,
      });
      expect(afterDelete).toMatchObject({ id: sent.id, text: '', deleted: true });
      expect(await deleted).toEqual(afterDelete);
      expect(
        await expectError(ada, ChatSocket.editMessage, { messageId: sent.id, text: 'back' }),
      ).toBe('message: has been deleted');
    });

    it("writes the room's last activity after acknowledging the sends, once for a burst", async () => {
      const ada = await client();
      const room = await publicRoom(ada);
      // The chat's MongoDB calls (Mongoose's debug hook) and the acknowledgements, in order.
      const happened: string[] = [];
      const connection = app.get<Connection>(getConnectionToken());
      connection.set('debug', (collection: string, method: string) => {
        happened.push(`${collection}.${method}`);
      });
      try {
        const burst = Array.from({ length: 5 }, (_, index) => `burst ${index}`);
        const sent = await Promise.all(
          burst.map((text) =>
            sendMessage(ada, room.id, text).then((message) => {
              happened.push('ack');
              return message;
            }),
          ),
        );
        const newest = Math.max(...sent.map((message) => Date.parse(message.createdAt)));
        await waitFor(
          async () => {
            const stored = await stack
              .db()
              .collection('rooms')
              .findOne({ _id: new ObjectId(room.id) });
            return stored?.['lastMessageAt']?.getTime() === newest ? true : undefined;
          },
          { what: "the room's last activity" },
        );
        const roomWrites = happened.filter((call) => /^rooms\.(update|bulkWrite)/.test(call));
        expect(roomWrites).not.toEqual([]);
        expect(roomWrites.length).toBeLessThan(burst.length);
        expect(happened.findIndex((call) => roomWrites.includes(call))).toBeGreaterThan(
          happened.lastIndexOf('ack'),
        );
      } finally {
        connection.set('debug', false);
      }
    });
  });

  describe('limits per user', () => {
    /** The settings that are rate limits. */
    type RateSetting = {
      [K in keyof ChatConfig]: ChatConfig[K] extends RateLimit ? K : never;
    }[keyof ChatConfig];

    /** One user's two connections and a public room they made. */
    interface Chatty {
      readonly sockets: readonly [ChatClient, ChatClient];
      readonly room: RoomView;
    }

    interface LimitedEvent {
      readonly event: string;
      readonly setting: RateSetting;
      /** What the refusal says is counted. */
      readonly counted: string;
      /** Sets the scene (with other events than this one); gives the payload of each attempt. */
      readonly prepare: (chatty: Chatty) => Promise<(attempt: number) => unknown>;
    }

    const limitedEvents: LimitedEvent[] = [
      {
        event: ChatSocket.sendMessage,
        setting: 'RATE_LIMIT_SENDS_PER_USER',
        counted: 'messages',
        prepare:
          async ({ room }) =>
          (attempt) => ({
            roomId: room.id,
            text: `message ${attempt}`,
            clientMessageId: randomUUID(),
          }),
      },
      {
        event: ChatSocket.typing,
        setting: 'RATE_LIMIT_TYPING_PER_USER',
        counted: 'typing signals',
        prepare: async ({ sockets, room }) => {
          for (const socket of sockets) {
            await expectOk(socket, ChatSocket.joinRoom, { roomId: room.id });
          }
          return (attempt) => ({ roomId: room.id, typing: attempt % 2 === 0 });
        },
      },
      {
        event: ChatSocket.editMessage,
        setting: 'RATE_LIMIT_EDITS_PER_USER',
        counted: 'edits',
        prepare: async ({ sockets, room }) => {
          const { id } = await sendMessage(sockets[0], room.id, 'first version');
          return (attempt) => ({ messageId: id, text: `version ${attempt}` });
        },
      },
      {
        event: ChatSocket.deleteMessage,
        setting: 'RATE_LIMIT_DELETES_PER_USER',
        counted: 'deletions',
        prepare: async ({ sockets, room }) => {
          const { id } = await sendMessage(sockets[0], room.id, 'regrettable');
          return () => ({ messageId: id });
        },
      },
      {
        event: ChatSocket.markRead,
        setting: 'RATE_LIMIT_READS_PER_USER',
        counted: 'read markers',
        prepare: async ({ sockets, room }) => {
          const { id } = await sendMessage(sockets[0], room.id, 'read me');
          return () => ({ roomId: room.id, messageId: id });
        },
      },
      {
        event: ChatSocket.joinRoom,
        setting: 'RATE_LIMIT_JOINS_PER_USER',
        counted: 'joins',
        prepare:
          async ({ room }) =>
          () => ({ roomId: room.id }),
      },
      {
        event: ChatSocket.openDirect,
        setting: 'RATE_LIMIT_DIRECT_OPENS_PER_USER',
        counted: 'direct conversations opened',
        prepare: async () => {
          const peer = await client();
          return () => ({ username: peer.user.username });
        },
      },
      {
        event: ChatSocket.addMember,
        setting: 'RATE_LIMIT_MEMBER_CHANGES_PER_USER',
        counted: 'member changes',
        prepare: async ({ sockets }) => {
          const peer = await client();
          const room = await expectOk<RoomView>(sockets[0], ChatSocket.createRoom, {
            name: 'members',
            kind: 'private',
          });
          return () => ({ roomId: room.id, username: peer.user.username });
        },
      },
    ];

    it.each(limitedEvents)(
      'refuses $event past its limit, counted across all connections of the user',
      async ({ event, setting, counted, prepare }) => {
        const user = newUser('chatty');
        const sockets = [await client(user), await client(user)] as const;
        const payload = await prepare({ sockets, room: await publicRoom(sockets[0]) });
        const { points, windowSeconds } = stack.config[setting];

        const acks = await Promise.all(
          Array.from({ length: points + 2 }, (_, attempt) =>
            ask(sockets[attempt % 2] ?? sockets[0], event, payload(attempt)),
          ),
        );
        expect(acks.filter((ack) => ack.ok)).toHaveLength(points);
        const refusal = new RegExp(
          `^rate limit: at most ${points} ${counted} every ${windowSeconds} seconds; try again in \\d+ s$`,
        );
        expect(acks.filter((ack) => !ack.ok)).toEqual([
          { ok: false, error: expect.stringMatching(refusal) },
          { ok: false, error: expect.stringMatching(refusal) },
        ]);
        expect(sockets.every((socket) => socket.connected)).toBe(true);
      },
    );

    it('answers a refused send as before: how many, how often, how long to wait', async () => {
      expect(stack.config.RATE_LIMIT_SENDS_PER_USER).toEqual({ points: 10, windowSeconds: 5 });
      const ada = await client();
      const room = await publicRoom(ada);
      const acks = await Promise.all(
        Array.from({ length: 11 }, (_, attempt) =>
          ask(ada, ChatSocket.sendMessage, {
            roomId: room.id,
            text: `message ${attempt}`,
            clientMessageId: randomUUID(),
          }),
        ),
      );
      expect(acks.filter((ack) => !ack.ok)).toEqual([
        {
          ok: false,
          error: expect.stringMatching(
            /^rate limit: at most 10 messages every 5 seconds; try again in [1-5] s$/,
          ),
        },
      ]);
    });
  });

  describe('private rooms and direct conversations', () => {
    it('keeps a private room closed to non-members, over the socket', async () => {
      const [ada, bob, eve] = await Promise.all([client(), client(), client()]);
      const room = await expectOk<RoomView>(ada, ChatSocket.createRoom, {
        name: 'secret plans',
        kind: 'private',
        members: [bob.user.username.toUpperCase()],
      });
      expect(room).toMatchObject({ kind: 'private', memberCount: 2, peer: null, unread: 0 });
      const sent = await sendMessage(ada, room.id, 'for members only');

      await expectOk(bob, ChatSocket.joinRoom, { roomId: room.id });
      expect(await expectError(eve, ChatSocket.joinRoom, { roomId: room.id })).toBe(
        'room: not found',
      );
      expect(
        await expectError(eve, ChatSocket.sendMessage, {
          roomId: room.id,
          text: 'let me in',
          clientMessageId: randomUUID(),
        }),
      ).toBe('room: not found');
      expect(
        await expectError(eve, ChatSocket.missedSince, { roomId: room.id, after: sent.id }),
      ).toBe('room: not found');
      expect(await expectError(eve, ChatSocket.typing, { roomId: room.id, typing: true })).toBe(
        'room: join it first',
      );
      expect(
        await expectError(eve, ChatSocket.markRead, { roomId: room.id, messageId: sent.id }),
      ).toBe('room: not found');
      expect(
        await expectError(eve, ChatSocket.createRoom, {
          name: 'x',
          kind: 'private',
          members: ['nobody-at-all'],
        }),
      ).toBe('members: unknown users: nobody-at-all');
    });

    it('opens one direct conversation per pair of users, named after the other person', async () => {
      const [ada, bob] = await Promise.all([client(), client()]);
      const fromAda = await expectOk<RoomView>(ada, ChatSocket.openDirect, {
        username: bob.user.username,
      });
      const fromBob = await expectOk<RoomView>(bob, ChatSocket.openDirect, {
        username: ada.user.username,
      });
      expect(fromBob.id).toBe(fromAda.id);
      expect(fromAda).toMatchObject({
        kind: 'direct',
        name: bob.user.username,
        peer: bob.user,
        memberCount: 2,
      });
      expect(fromBob).toMatchObject({ name: ada.user.username, peer: ada.user });
      expect(await expectError(ada, ChatSocket.openDirect, { username: ada.user.username })).toBe(
        "username: can't be yourself",
      );
      expect(await expectError(ada, ChatSocket.openDirect, { username: 'no-such-user' })).toBe(
        'user: not found',
      );
    });
  });

  describe('presence, typing and read receipts', () => {
    it('shows who is in a room as people join, leave and disconnect', async () => {
      const [ada, bob] = await Promise.all([client(), client()]);
      const room = await publicRoom(ada);
      const [adaSees, bobSees] = [watchPresence(ada, room.id), watchPresence(bob, room.id)];
      const [adaName, bobName] = [ada.user.username, bob.user.username];

      await expectOk(ada, ChatSocket.joinRoom, { roomId: room.id });
      await adaSees.until([adaName]);

      await expectOk(bob, ChatSocket.joinRoom, { roomId: room.id });
      await Promise.all([adaSees.until([adaName, bobName]), bobSees.until([adaName, bobName])]);

      await expectOk(bob, ChatSocket.leaveRoom, { roomId: room.id });
      await adaSees.until([adaName]);

      await expectOk(bob, ChatSocket.joinRoom, { roomId: room.id });
      await adaSees.until([adaName, bobName]);
      bob.close();
      await adaSees.until([adaName]);
    });

    it('tells the others who is typing, and the room who has read what', async () => {
      const [ada, bob, room] = await twoInARoom();
      const adaTyping = recordEvents(ada, ChatSocket.typingChanged);

      const typing = nextEvent(bob, ChatSocket.typingChanged);
      await expectOk(ada, ChatSocket.typing, { roomId: room.id, typing: true });
      expect(await typing).toEqual({ roomId: room.id, user: ada.user, typing: true });
      expect(adaTyping).toEqual([]);
      // Without asking for an acknowledgement, as the web page signals typing.
      const stopped = nextEvent(bob, ChatSocket.typingChanged);
      ada.emit(ChatSocket.typing, { roomId: room.id, typing: false });
      expect(await stopped).toEqual({ roomId: room.id, user: ada.user, typing: false });

      const sent = await sendMessage(ada, room.id, 'read me');
      const receipt = nextEvent(ada, ChatSocket.readReceipt);
      await expectOk(bob, ChatSocket.markRead, { roomId: room.id, messageId: sent.id });
      expect(await receipt).toEqual({ roomId: room.id, user: bob.user, messageId: sent.id });
    });
  });

  it('gives a client that reconnects everything it missed, oldest first', async () => {
    const [ada, bob] = await Promise.all([client(), client()]);
    const room = await publicRoom(ada);
    await expectOk(bob, ChatSocket.joinRoom, { roomId: room.id });
    const seen = nextEvent(bob, ChatSocket.messageCreated);
    await sendMessage(ada, room.id, 'before the break');
    const lastSeen = await seen;
    bob.close();

    const missed: ChatMessageView[] = [];
    for (let index = 0; index < 5; index += 1)
      missed.push(await sendMessage(ada, room.id, `missed ${index}`));

    const back = await client(bob.user);
    const page = await expectOk<MissedMessages>(back, ChatSocket.missedSince, {
      roomId: room.id,
      after: lastSeen.id,
      limit: 3,
    });
    expect(page.hasMore).toBe(true);
    const rest = await expectOk<MissedMessages>(back, ChatSocket.missedSince, {
      roomId: room.id,
      after: page.messages.at(-1)?.id,
    });
    expect(rest.hasMore).toBe(false);
    expect([...page.messages, ...rest.messages]).toEqual(missed);
  });

  it('answers health probes on its HTTP port, next to Socket.IO', async () => {
    const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      status: 'ok',
      checks: { mongodb: { state: 'up' }, redis: { state: 'up' }, rabbitmq: { state: 'up' } },
    });
  });
});
