import { randomUUID } from 'node:crypto';
import { ChatSocket } from '@capstone/contracts';
import {
  ask,
  connect,
  expectOk,
  publicRoom,
  refusal,
  sendMessage,
  waitFor,
} from '@capstone/testing';
import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { nextEvent } from './support/chat-client.js';
import { newUser, portOf, useChatStack } from './support/chat-stack.js';
import { watchPresence } from './support/presence-watch.js';

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
    const presence = watchPresence(onFirst, room.id);
    await expectOk(onFirst, ChatSocket.joinRoom, { roomId: room.id });

    await expectOk(onSecond, ChatSocket.joinRoom, { roomId: room.id });
    await presence.until([ada.username, bob.username]);

    const toSecond = nextEvent(onSecond, ChatSocket.messageCreated);
    const sent = await sendMessage(onFirst, room.id, 'hello from the first instance');
    expect(await toSecond).toEqual(sent);

    const toFirst = nextEvent(onFirst, ChatSocket.messageCreated);
    const reply = await sendMessage(onSecond, room.id, 'and back from the second');
    expect(await toFirst).toEqual(reply);

    const typing = nextEvent(onFirst, ChatSocket.typingChanged);
    await expectOk(onSecond, ChatSocket.typing, { roomId: room.id, typing: true });
    expect(await typing).toEqual({ roomId: room.id, user: bob, typing: true });

    onSecond.close();
    await presence.until([ada.username]);
  });

  it('count one rate limit for a user connected to both', async () => {
    const user = newUser('chatty');
    const [first, second] = [
      await stack.client(ports[0], user),
      await stack.client(ports[1], user),
    ];
    const room = await publicRoom(first, `busy-${randomUUID().slice(0, 6)}`);
    const { points } = stack.config.RATE_LIMIT_SENDS_PER_USER;
    const acks = await Promise.all(
      Array.from({ length: points + 4 }, (_, index) =>
        ask(index % 2 ? second : first, ChatSocket.sendMessage, {
          roomId: room.id,
          text: `message ${index}`,
          clientMessageId: randomUUID(),
        }),
      ),
    );
    expect(acks.filter((ack) => ack.ok)).toHaveLength(points);
  });

  it('hold a user to their connection cap on both together, refusing the one too many', async () => {
    const user = newUser('tabs');
    const token = await stack.token(user);
    const max = stack.config.SOCKETS_PER_USER_MAX;
    const attempts = await Promise.allSettled(
      Array.from({ length: max + 2 }, (_, index) => connect(ports[index % 2], token)),
    );
    const accepted = attempts.flatMap((attempt) =>
      attempt.status === 'fulfilled' ? [stack.track(attempt.value)] : [],
    );
    expect(accepted).toHaveLength(max);
    expect(attempts.filter((attempt) => attempt.status === 'rejected')).toEqual([
      {
        status: 'rejected',
        reason: new Error(`too many connections (at most ${max} per user); close one first`),
      },
      {
        status: 'rejected',
        reason: new Error(`too many connections (at most ${max} per user); close one first`),
      },
    ]);
    // Another user is not held to this one's count.
    await stack.client(ports[0]);

    // A closed connection, on whichever instance, makes room for a new one on the other.
    const closing = accepted[0];
    closing?.close();
    await waitFor(async () => await connect(ports[1], token).then(stack.track, () => undefined), {
      what: 'a connection in place of the closed one',
    });
    expect(await refusal(ports[0], token)).toBe(
      `too many connections (at most ${max} per user); close one first`,
    );
  });

  it('forget the connections of an instance that stopped without closing them, once they expire', async () => {
    const user = newUser('crashed');
    const redis = new Redis(stack.config.REDIS_URL, { keyPrefix: stack.config.REDIS_KEY_PREFIX });
    try {
      // What a crashed instance leaves: entries nobody refreshes, whose time is up.
      const expiredAt = Date.now() - 1;
      const ghosts = Array.from({ length: stack.config.SOCKETS_PER_USER_MAX }, (_, index) => [
        expiredAt,
        `ghost-${index}`,
      ]);
      await redis.zadd(`sockets:${user.userId}`, ...ghosts.flat());
      const socket = await stack.client(ports[0], user);
      expect(socket.connected).toBe(true);
      expect(await redis.zrange(`sockets:${user.userId}`, 0, -1)).toEqual([socket.id]);
    } finally {
      redis.disconnect();
    }
  });
});
