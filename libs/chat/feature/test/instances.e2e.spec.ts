import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { ChatSocket, type PresenceEvent, type RoomView } from '@capstone/contracts';
import { expectError, expectOk, publicRoom, sendMessage } from '@capstone/testing';
import { Redis } from 'ioredis';
import { beforeAll, describe, expect, it } from 'vitest';
import { PresenceStore } from '../src/realtime/presence-store.js';
import { ProfileChanges } from '../src/realtime/profile-changes.js';
import { nextEvent, recordEvents, type ChatClient } from './support/chat-client.js';
import { newUser, portOf, useChatStack } from './support/chat-stack.js';
import { watchPresence } from './support/presence-watch.js';

/**
 * What each chat instance keeps for speed (rooms' access, the names on connections) and what it
 * sends in place of whole lists (presence changes) stays right across two instances: a change
 * made through one is seen on the other by the time it is acknowledged.
 */
describe('two chat instances keeping what they cache in step', () => {
  const stack = useChatStack('instances');
  let apps: [INestApplication, INestApplication];
  let ports: [number, number];

  beforeAll(async () => {
    apps = [await stack.start(), await stack.start()];
    ports = [portOf(apps[0]), portOf(apps[1])];
  });

  const clientOn = (instance: 0 | 1, prefix: string) =>
    stack.client(ports[instance], newUser(prefix));

  describe('private rooms whose members change', () => {
    it('take a removed member out at once on the other instance, and let an added one in', async () => {
      const ada = await clientOn(0, 'ada');
      const [bob, cy] = [await clientOn(1, 'bob'), await clientOn(1, 'cy')];
      const room = await expectOk<RoomView>(ada, ChatSocket.createRoom, {
        name: 'plans',
        kind: 'private',
        members: [bob.user.username, cy.user.username],
      });
      await expectOk(bob, ChatSocket.joinRoom, { roomId: room.id });
      await expectOk(cy, ChatSocket.joinRoom, { roomId: room.id });
      // Bob's instance has read the room's access, and keeps it.
      await sendMessage(bob, room.id, 'bob is in');

      const told = nextEvent(bob, ChatSocket.roomRemoved);
      await expectOk(ada, ChatSocket.removeMember, { roomId: room.id, userId: bob.user.userId });
      expect(await told).toEqual({ roomId: room.id });
      expect(await refusedSend(bob, room.id)).toBe('room: not found');
      expect(await expectError(bob, ChatSocket.joinRoom, { roomId: room.id })).toBe(
        'room: not found',
      );
      expect(await expectError(bob, ChatSocket.typing, { roomId: room.id, typing: true })).toBe(
        'room: join it first',
      );
      // Nor does bob receive the room's messages: cy, on the same instance, gets them first.
      const bobReceived = recordEvents(bob, ChatSocket.messageCreated);
      const toCy = nextEvent(cy, ChatSocket.messageCreated);
      const secret = await sendMessage(ada, room.id, 'after bob left');
      expect(await toCy).toEqual(secret);
      expect(bobReceived).toEqual([]);

      await expectOk(ada, ChatSocket.addMember, { roomId: room.id, username: bob.user.username });
      await expectOk(bob, ChatSocket.joinRoom, { roomId: room.id });
      expect((await sendMessage(bob, room.id, 'bob is back')).author).toEqual(bob.user);
    });

    it('let only the creator add members, and anyone remove themselves', async () => {
      const ada = await clientOn(0, 'ada');
      const [bob, eve] = [await clientOn(1, 'bob'), await clientOn(1, 'eve')];
      const room = await expectOk<RoomView>(ada, ChatSocket.createRoom, {
        name: 'club',
        kind: 'private',
        members: [bob.user.username],
      });
      const change = (socket: ChatClient, event: string, who: Record<string, string>) =>
        expectError(socket, event, { roomId: room.id, ...who });
      expect(await change(bob, ChatSocket.addMember, { username: eve.user.username })).toBe(
        'room: only its creator may add members',
      );
      expect(await change(bob, ChatSocket.removeMember, { userId: ada.user.userId })).toBe(
        'room: only its creator may remove others',
      );
      expect(await change(eve, ChatSocket.removeMember, { userId: eve.user.userId })).toBe(
        'room: not found',
      );
      expect(await change(ada, ChatSocket.addMember, { username: 'nobody-at-all' })).toBe(
        'user: not found',
      );
      const lobby = await publicRoom(ada);
      expect(
        await expectError(ada, ChatSocket.addMember, { roomId: lobby.id, username: 'bob' }),
      ).toBe('room: only a private room has members to change');

      const added = await expectOk<RoomView>(ada, ChatSocket.addMember, {
        roomId: room.id,
        username: eve.user.username,
      });
      expect(added.memberCount).toBe(3);
      await expectOk(eve, ChatSocket.removeMember, { roomId: room.id, userId: eve.user.userId });
      expect(await refusedSend(eve, room.id)).toBe('room: not found');
      await sendMessage(bob, room.id, 'still here');
    });
  });

  it('send a renamed user’s messages under the new name, wherever they are connected', async () => {
    const ada = await clientOn(1, 'ada');
    const room = await publicRoom(ada);
    const renamed = { ...ada.user, username: `${ada.user.username}-new` };
    // Applied by the first instance (as a user.updated event or chat.user.apply would be).
    await apps[0].get(ProfileChanges).apply({ ...renamed, version: 5 });
    expect((await sendMessage(ada, room.id, 'who am I?')).author).toEqual(renamed);
    await apps[0].get(ProfileChanges).apply({ ...ada.user, version: 4 }); // older: no effect
    expect((await sendMessage(ada, room.id, 'still me')).author).toEqual(renamed);
  });

  describe('presence', () => {
    it('sends the joiner the whole list and the others only who came or went', async () => {
      const ada = await clientOn(0, 'ada');
      const bob = await clientOn(1, 'bob');
      const room = await publicRoom(ada);
      const [adaSees, bobSees] = [watchPresence(ada, room.id), watchPresence(bob, room.id)];
      await expectOk(ada, ChatSocket.joinRoom, { roomId: room.id });
      await adaSees.until([ada.user.username]);

      await expectOk(bob, ChatSocket.joinRoom, { roomId: room.id });
      await adaSees.until([ada.user.username, bob.user.username]);
      expect(bobSees.events[0]).toMatchObject({
        kind: 'snapshot',
        online: expect.arrayContaining([ada.user, bob.user]),
      });
      expect(othersIn(adaSees.events.slice(1), ada)).toEqual([{ user: bob.user, online: true }]);

      // Bob's second tab, on the other instance: a snapshot for it, nothing new for the others.
      const bobAgain = await stack.client(ports[0], bob.user);
      const tabSees = watchPresence(bobAgain, room.id);
      await expectOk(bobAgain, ChatSocket.joinRoom, { roomId: room.id });
      await tabSees.until([ada.user.username, bob.user.username]);
      bob.close();
      await expectOk(ada, ChatSocket.typing, { roomId: room.id, typing: true });
      bobAgain.close();
      await adaSees.until([ada.user.username]);
      expect(othersIn(adaSees.events.slice(1), ada)).toEqual([
        { user: bob.user, online: true },
        { user: bob.user, online: false },
      ]);
    });

    it("takes a crashed instance's users off a room, and puts back one swept while still here", async () => {
      const ada = await clientOn(0, 'ada');
      const room = await publicRoom(ada);
      await expectOk(ada, ChatSocket.joinRoom, { roomId: room.id });
      const redis = new Redis(stack.config.REDIS_URL, { keyPrefix: stack.config.REDIS_KEY_PREFIX });
      try {
        // What an instance that stopped without a word leaves: an entry nobody refreshes.
        const ghost = newUser('ghost');
        await redis.zadd(`presence:{${room.id}}:online`, Date.now() - 1, ghost.userId);
        await redis.hset(`presence:{${room.id}}:names`, ghost.userId, ghost.username);
        // And an entry of ada's swept while her connection is still here (a refresh too late).
        await redis.zrem(`presence:{${room.id}}:online`, ada.user.userId);

        const local = new Map([[ada.user.userId, { user: ada.user, socketIds: [ada.id ?? ''] }]]);
        const changes = await apps[0].get(PresenceStore).refresh(new Map([[room.id, local]]));
        expect(changes.get(room.id)?.map(({ user, online }) => ({ user, online }))).toEqual([
          { user: ghost, online: false },
          { user: ada.user, online: true },
        ]);
        expect(await redis.zrange(`presence:{${room.id}}:online`, 0, -1)).toEqual([
          ada.user.userId,
        ]);
      } finally {
        redis.disconnect();
      }
    });

    it('costs each client a bounded number of presence entries per join in a join storm', async () => {
      const size = 30;
      const owner = await clientOn(0, 'owner');
      const room = await publicRoom(owner);
      const clients = await Promise.all(
        Array.from({ length: size }, (_, index) => clientOn(index % 2 === 0 ? 0 : 1, 'storm')),
      );
      const received = clients.map((socket) => recordEvents(socket, ChatSocket.presence));
      const watches = clients.map((socket) => watchPresence(socket, room.id));
      await Promise.all(
        clients.map((socket) => expectOk(socket, ChatSocket.joinRoom, { roomId: room.id })),
      );
      const everyone = clients.map((socket) => socket.user.username);
      await Promise.all(watches.map((watch) => watch.until(everyone)));

      // Each client hears of each joiner at most once, and once gets the list: linear in the
      // room's size. Sending everyone the whole list at every join named ~size²/2 users.
      const entries = received.map((events) =>
        events.reduce((sum, event) => sum + named(event), 0),
      );
      expect(Math.max(...entries)).toBeLessThanOrEqual(2 * size);
      expect(Math.max(...received.map((events) => events.length))).toBeLessThanOrEqual(size);
    });
  });
});

/**
 * The changes about others than `viewer` in these events, which must all be changes: a client
 * gets one snapshot, when it joins (its own arrival is in the room's next batch too; the snapshot
 * already counts it, which its number tells).
 */
function othersIn(events: PresenceEvent[], viewer: ChatClient) {
  return events.flatMap((event) => {
    if (event.kind !== 'changes') throw new Error('a second snapshot');
    return event.changes
      .filter((change) => change.user.userId !== viewer.user.userId)
      .map(({ user, online }) => ({ user, online }));
  });
}

/** How many users a `presence` event names (as sent by this version or by the one before). */
function named(event: PresenceEvent | { online: unknown[] }): number {
  return 'changes' in event ? event.changes.length : event.online.length;
}

function refusedSend(socket: ChatClient, roomId: string): Promise<string> {
  return expectError(socket, ChatSocket.sendMessage, {
    roomId,
    text: 'am I still in?',
    clientMessageId: randomUUID(),
  });
}
