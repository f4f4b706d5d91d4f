import { randomUUID } from 'node:crypto';
import type { INestApplicationContext, Type } from '@nestjs/common';
import type { Actor, UserProfileData } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { OutboxMessage } from '@capstone/outbox';
import {
  createTestDatabase,
  createTestVhost,
  rpcCaller,
  type TestDatabase,
  type TestVhost,
} from '@capstone/testing';
import { createServiceContext } from '@capstone/service-defaults';
import { DataSource } from 'typeorm';
import { AuthorProjection } from '../../src/authors/author-projection.js';
import { blogService } from '../../src/bootstrap.js';
import { loadBlogConfig } from '../../src/blog.config.js';
import { BlogRpcController } from '../../src/rpc/blog-rpc.controller.js';

/** The blog's providers on a fresh database and vhost, without the broker servers. */
export interface BlogTestContext {
  readonly dataSource: DataSource;
  get<T>(type: Type<T>): T;
  /** Sends a request to the blog's RPC handlers as the broker would: checked by its contract. */
  readonly rpc: ReturnType<typeof rpcCaller>;
  close(): Promise<void>;
}

export async function startBlogContext(label: string): Promise<BlogTestContext> {
  const [database, vhost]: [TestDatabase, TestVhost] = await Promise.all([
    createTestDatabase(label),
    createTestVhost(label),
  ]);
  const config = loadBlogConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'error',
    DATABASE_URL: database.url,
    AMQP_URL: vhost.url,
  });
  let context: INestApplicationContext | undefined;
  try {
    context = await createServiceContext(blogService(config));
  } catch (error) {
    await Promise.all([database.drop(), vhost.drop()]);
    throw error;
  }
  const app = context;
  return {
    dataSource: app.get(DataSource),
    get: (type) => app.get(type),
    rpc: rpcCaller(app.get(BlogRpcController)),
    close: async () => {
      await app.close();
      await Promise.all([database.drop(), vhost.drop()]);
    },
  };
}

let sequence = 0;

/** A user as the auth service would announce it: a new id, a unique name, version 1. */
export function newUser(prefix = 'user'): UserProfileData {
  sequence += 1;
  return {
    userId: randomUUID(),
    email: `${prefix}${sequence}@example.com`,
    username: `${prefix}${sequence}${Math.random().toString(36).slice(2, 6)}`,
    bio: null,
    image: null,
    version: 1,
  };
}

/** Registers a user in the authors projection, as `user.registered` would, and acts as them. */
export async function registeredActor(context: BlogTestContext, prefix?: string): Promise<Actor> {
  const profile = newUser(prefix);
  await context.get(AuthorProjection).apply(profile);
  return { viewerId: profile.userId, username: profile.username };
}

/** The ServiceError `work` fails with; fails the test if it succeeds or fails otherwise. */
export async function failureOf(work: Promise<unknown>): Promise<ServiceError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof ServiceError) return error;
    throw error;
  }
  throw new Error('expected a ServiceError');
}

/** The data of the outbox events with this name, oldest first. */
export async function outboxEvents<T>(context: BlogTestContext, name: string): Promise<T[]> {
  const messages = await context.dataSource
    .getRepository(OutboxMessage)
    .find({ where: { name }, order: { occurredAt: 'ASC' } });
  return messages.map((message) => message.data as T);
}
