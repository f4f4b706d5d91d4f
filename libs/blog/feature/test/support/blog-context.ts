import { randomUUID } from 'node:crypto';
import type { INestApplicationContext, Type } from '@nestjs/common';
import type { Actor, UserProfileData } from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { OutboxMessage } from '@capstone/outbox';
import { createTestServiceStores, rpcCaller } from '@capstone/testing';
import { createServiceContext } from '@capstone/service-defaults';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll } from 'vitest';
import { AuthorProjection } from '../../src/authors/author-projection.js';
import { blogService } from '../../src/bootstrap.js';
import { loadBlogConfig } from '../../src/blog.config.js';
import { BlogRpcController } from '../../src/rpc/blog-rpc.controller.js';

/** The blog's providers on a fresh database and vhost, without the broker servers. */
interface BlogProviders {
  readonly dataSource: DataSource;
  get<T>(type: Type<T>): T;
  /** Sends a request to the blog's RPC handlers as the broker would: checked by its contract. */
  readonly rpc: ReturnType<typeof rpcCaller>;
}

/** The blog's providers, and the setup and checks most of its tests need. */
export interface BlogTestContext extends BlogProviders {
  /** Registers a user in the authors projection, as `user.registered` would, and acts as them. */
  registeredActor(prefix?: string): Promise<Actor>;
  /** Several registered actors at once, one for each name prefix. */
  registeredActors(...prefixes: string[]): Promise<Actor[]>;
  /** The data of the outbox events with this name, oldest first. */
  outboxEvents<T>(name: string): Promise<T[]>;
}

async function startBlogContext(
  label: string,
): Promise<BlogProviders & { close(): Promise<void> }> {
  const stores = await createTestServiceStores(label);
  const config = loadBlogConfig({ NODE_ENV: 'test', LOG_LEVEL: 'error', ...stores.env });
  let context: INestApplicationContext | undefined;
  try {
    context = await createServiceContext(blogService(config));
  } catch (error) {
    await stores.drop();
    throw error;
  }
  const app = context;
  return {
    dataSource: app.get(DataSource),
    get: (type) => app.get(type),
    rpc: rpcCaller(app.get(BlogRpcController)),
    close: async () => {
      await app.close();
      await stores.drop();
    },
  };
}

/**
 * The blog context of the enclosing describe block: started before its tests, closed after them.
 * The handle can be kept at once; it reaches the context only when the tests run.
 */
export function useBlogContext(label: string): BlogTestContext {
  let context: Awaited<ReturnType<typeof startBlogContext>> | undefined;
  beforeAll(async () => {
    context = await startBlogContext(label);
  });
  afterAll(() => context?.close());
  const started = (): BlogProviders => {
    if (!context) throw new Error(`the ${label} blog context is used outside its tests`);
    return context;
  };
  const registeredActor = async (prefix?: string): Promise<Actor> => {
    const profile = newUser(prefix);
    await started().get(AuthorProjection).apply(profile);
    return { viewerId: profile.userId, username: profile.username };
  };
  return {
    get dataSource() {
      return started().dataSource;
    },
    get: (type) => started().get(type),
    rpc: (rpc, payload) => started().rpc(rpc, payload),
    registeredActor,
    registeredActors: (...prefixes) => Promise.all(prefixes.map(registeredActor)),
    outboxEvents: async <T>(name: string) => {
      const messages = await started()
        .dataSource.getRepository(OutboxMessage)
        .find({ where: { name }, order: { occurredAt: 'ASC' } });
      return messages.map((message) => message.data as T);
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
