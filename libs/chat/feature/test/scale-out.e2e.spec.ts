import { randomUUID } from 'node:crypto';
import { ChatRules, ChatSocket } from '@capstone/contracts';
import { ask, expectOk, freshRateWindow, publicRoom, sendMessage } from '@capstone/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { nextEvent } from './support/chat-client.js';
import { newUser, portOf, useChatStack } from './support/chat-stack.js';

/**
 * Two chat instances on different ports sharing one MongoDB and one Redis, as two replicas behind
 * a load balancer: a client on each must see the other's messages, typing and presence.
 */
describe('two chat instances', () => {
  const stack = useChatStack('scale');
  let ports: [number, number];

  beforeAll(async () => {
    const first = await stack.start();
    const second = await stack.start();
    ports = [portOf(first), portOf(second)];
  });

  it('share rooms, messages, typing and presence between their clients', async () => {
    const [ada, bob] = [newUser('ada'), newUser('bob')];
    const onFirst = await stack.client(ports[0], ada);
    const onSecond = await stack.client(ports[1], bob);
    const room = await publicRoom(onFirst, `shared-${randomUUID().slice(0, 6)}`);
    await expectOk(onFirst, ChatSocket.joinRoom, { roomId: room.id });

    const bothOnline = nextEvent(onFirst, ChatSocket.presence, (view) => view.online.length === 2);
    await expectOk(onSecond, ChatSocket.joinRoom, { roomId: room.id });
    expect((await bothOnline).online).toEqual(expect.arrayContaining([ada, bob]));

    const toSecond = nextEvent(onSecond, ChatSocket.messageCreated);
    const sent = await sendMessage(onFirst, room.id, 'hello from the first instance');
    expect(await toSecond).toEqual(sent);

    const toFirst = nextEvent(onFirst, ChatSocket.messageCreated);
    const reply = await sendMessage(onSecond, room.id, 'and back from the second');
    expect(await toFirst).toEqual(reply);

    const typing = nextEvent(onFirst, ChatSocket.typingChanged);
    await expectOk(onSecond, ChatSocket.typing, { roomId: room.id, typing: true });
    expect(await typing).toEqual({ roomId: room.id, user: bob, typing: true });

    const bobGone = nextEvent(onFirst, ChatSocket.presence, (view) => view.online.length === 1);
    onSecond.close();
    expect((await bobGone).online).toEqual([ada]);
  });

  it('count one rate limit for a user connected to both', async () => {
    const user = newUser('chatty');
    const [first, second] = [
      await stack.client(ports[0], user),
      await stack.client(ports[1], user),
    ];
    const room = await publicRoom(first, `busy-${randomUUID().slice(0, 6)}`);
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
