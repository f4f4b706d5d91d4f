import { randomUUID } from 'node:crypto';
import {
  ChatRules,
  ChatSocket,
  type ChatMessageView,
  type ChatUser,
  type PresenceView,
  type RoomView,
  type TypingView,
} from '@capstone/contracts';
import { ask, connect, expectOk, freshRateWindow, next } from '@capstone/testing';
import type { Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatStack, newUser, portOf, type ChatStack } from './support/chat-stack.js';

/**
 * Two chat instances on different ports sharing one MongoDB and one Redis, as two replicas behind
 * a load balancer: a client on each must see the other's messages, typing and presence.
 */
describe('two chat instances', () => {
  let stack: ChatStack;
  let ports: [number, number];
  const sockets: Socket[] = [];

  beforeAll(async () => {
    stack = await createChatStack('scale');
    const first = await stack.start();
    const second = await stack.start();
    ports = [portOf(first), portOf(second)];
  });

  afterAll(async () => {
    for (const socket of sockets) socket.close();
    await stack?.close();
  });

  async function client(port: number, user: ChatUser = newUser()): Promise<Socket> {
    const socket = await connect(port, await stack.token(user));
    sockets.push(socket);
    return socket;
  }

  it('share rooms, messages, typing and presence between their clients', async () => {
    const [ada, bob] = [newUser('ada'), newUser('bob')];
    const onFirst = await client(ports[0], ada);
    const onSecond = await client(ports[1], bob);
    const room = await expectOk<RoomView>(onFirst, ChatSocket.createRoom, {
      name: `shared-${randomUUID().slice(0, 6)}`,
      kind: 'public',
    });
    await expectOk(onFirst, ChatSocket.joinRoom, { roomId: room.id });

    const bothOnline = next<PresenceView>(
      onFirst,
      ChatSocket.presence,
      (view) => view.online.length === 2,
    );
    await expectOk(onSecond, ChatSocket.joinRoom, { roomId: room.id });
    expect((await bothOnline).online).toEqual(expect.arrayContaining([ada, bob]));

    const toSecond = next<ChatMessageView>(onSecond, ChatSocket.messageCreated);
    const sent = await expectOk<ChatMessageView>(onFirst, ChatSocket.sendMessage, {
      roomId: room.id,
      text: 'hello from the first instance',
      clientMessageId: randomUUID(),
    });
    expect(await toSecond).toEqual(sent);

    const toFirst = next<ChatMessageView>(onFirst, ChatSocket.messageCreated);
    const reply = await expectOk<ChatMessageView>(onSecond, ChatSocket.sendMessage, {
      roomId: room.id,
      text: 'and back from the second',
      clientMessageId: randomUUID(),
    });
    expect(await toFirst).toEqual(reply);

    const typing = next<TypingView>(onFirst, ChatSocket.typingChanged);
    await expectOk(onSecond, ChatSocket.typing, { roomId: room.id, typing: true });
    expect(await typing).toEqual({ roomId: room.id, user: bob, typing: true });

    const bobGone = next<PresenceView>(
      onFirst,
      ChatSocket.presence,
      (view) => view.online.length === 1,
    );
    onSecond.close();
    expect((await bobGone).online).toEqual([ada]);
  });

  it('count one rate limit for a user connected to both', async () => {
    const user = newUser('chatty');
    const [first, second] = [await client(ports[0], user), await client(ports[1], user)];
    const room = await expectOk<RoomView>(first, ChatSocket.createRoom, {
      name: `busy-${randomUUID().slice(0, 6)}`,
      kind: 'public',
    });
    await freshRateWindow(ChatRules.rateWindowMs);
    const acks = await Promise.all(
      Array.from({ length: ChatRules.messagesPerWindow + 4 }, (_, index) =>
        ask(index % 2 ? second : first, ChatSocket.sendMessage, {
          roomId: room.id,
          text: `message ${index}`,
          clientMessageId: randomUUID(),
        }),
      ),
    );
    expect(acks.filter((ack) => ack.ok)).toHaveLength(ChatRules.messagesPerWindow);
  });
});
