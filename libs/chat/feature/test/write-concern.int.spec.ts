import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { CommandStartedEvent } from 'mongodb';
import type { Connection } from 'mongoose';
import {
  createTestKeyspace,
  createTestMongoDatabase,
  type TestKeyspace,
  type TestMongoDatabase,
} from '@capstone/testing';
import { createServiceContext } from '@capstone/service-defaults';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadChatConfig } from '../src/chat.config.js';
import { chatService } from '../src/bootstrap.js';
import { MessagesService } from '../src/messages/messages.service.js';
import { ReadMarkers } from '../src/messages/read-markers.js';
import { RoomActivity } from '../src/rooms/room-activity.js';
import { RoomsService } from '../src/rooms/rooms.service.js';
import { UserDirectory } from '../src/users/user-directory.js';
import { newUser } from './support/chat-stack.js';

const WRITES = new Set(['insert', 'update', 'delete', 'findAndModify']);

/** The write commands the chat sends to a real MongoDB-protocol server (FerretDB in CI). */
describe('the write concern of what the chat acknowledges', () => {
  let mongo: TestMongoDatabase;
  let keyspace: TestKeyspace;
  let context: INestApplicationContext;
  const writes: CommandStartedEvent[] = [];

  beforeAll(async () => {
    mongo = createTestMongoDatabase('chat_write_concern');
    keyspace = createTestKeyspace('chat-write-concern');
    // The driver reports the commands it sends only if asked before it opens its connections.
    const url = new URL(mongo.url);
    url.searchParams.set('monitorCommands', 'true');
    const config = loadChatConfig({
      NODE_ENV: 'test',
      MONGO_URL: url.toString(),
      REDIS_URL: keyspace.url,
      REDIS_KEY_PREFIX: keyspace.prefix,
    });
    context = await createServiceContext(chatService(config));
    context
      .get<Connection>(getConnectionToken())
      .getClient()
      .on('commandStarted', (event: CommandStartedEvent) => {
        if (WRITES.has(event.commandName)) writes.push(event);
      });
  });

  afterAll(async () => {
    await context?.close();
    await Promise.all([mongo?.drop(), keyspace?.drop()]);
  });

  it('asks for majority on every write of a room, a message, its edit and deletion, a read marker', async () => {
    const author = newUser('writer');
    await context.get(UserDirectory).known(author);
    const room = await context
      .get(RoomsService)
      .create(author, { name: `wc-${randomUUID().slice(0, 8)}`, kind: 'public', members: [] });
    const messages = context.get(MessagesService);
    const sent = await messages.send(author, {
      roomId: room._id.toHexString(),
      text: 'stored on a majority',
      clientMessageId: randomUUID(),
    });
    await messages.edit(author, sent.id, 'edited on a majority');
    await context.get(ReadMarkers).markRead(author, room._id.toHexString(), sent.id);
    await messages.delete(author, sent.id);
    // The room's last activity is written after the acknowledgement; here, at once.
    await context.get(RoomActivity).write();

    const sentWrites = writes.map((event) => ({
      command: `${event.commandName} ${String(event.command[event.commandName])}`,
      writeConcern: event.command['writeConcern'] as { w?: unknown } | undefined,
    }));
    expect(sentWrites.map((write) => write.command)).toEqual(
      expect.arrayContaining([
        'insert messages',
        'findAndModify messages',
        'insert read_markers',
        'update rooms',
      ]),
    );
    expect(sentWrites.filter((write) => write.writeConcern?.w !== 'majority')).toEqual([]);
  });
});
