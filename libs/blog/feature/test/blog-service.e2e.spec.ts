import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import pg from 'pg';
import {
  AuthEvents,
  BLOG_EVENTS_QUEUE,
  BLOG_QUEUE,
  BlogRpc,
  deadLetterQueueOf,
  EVENTS_EXCHANGE,
  type ArticleEventData,
  type EventEnvelope,
  type ProfileView,
  type UserProfileData,
} from '@capstone/contracts';
import { ServiceError } from '@capstone/errors';
import { replayDeadLetters, type BrokerClient } from '@capstone/messaging';
import {
  createTestServiceStores,
  RawRpc,
  serviceClient,
  TestEventsExchange,
  waitFor,
  type TestServiceStores,
} from '@capstone/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBlogConfig } from '../src/blog.config.js';
import { startBlogService } from '../src/bootstrap.js';
import { failureOf, newUser } from './support/blog-context.js';

/**
 * The blog app as it runs in production, seen only through RabbitMQ: user events published to
 * `capstone.events` as the auth service's outbox relay does, requests sent to `blog.rpc` as the
 * gateway does, and the blog's own events read back from the exchange.
 */
describe('the blog service over RabbitMQ', () => {
  let stores: TestServiceStores;
  let app: INestApplication;
  let blog: BrokerClient;
  let exchange: TestEventsExchange;
  let raw: RawRpc;
  let published: EventEnvelope<unknown>[];
  let broker: ChannelModel;
  let channel: ConfirmChannel;

  beforeAll(async () => {
    stores = await createTestServiceStores('blog-e2e');
    app = await startBlogService({
      ...loadBlogConfig({
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        ...stores.env,
        EVENT_MAX_ATTEMPTS: '3',
        EVENT_RETRY_DELAY_MS: '300',
      }),
      PORT: 0,
    });
    blog = serviceClient('blog', stores.vhost.url, BLOG_QUEUE);

    raw = await RawRpc.connect(stores.vhost.url);
    exchange = await TestEventsExchange.connect(stores.vhost.url);
    published = await exchange.record('article.*');
    broker = await amqp.connect(stores.vhost.url);
    channel = await broker.createConfirmChannel();
  });

  afterAll(async () => {
    await Promise.all([
      raw?.close(),
      exchange?.close(),
      blog?.onApplicationShutdown(),
      broker?.close(),
    ]);
    await app?.close();
    await stores?.drop();
  });

  /** The profile once the projection has it and `accept` likes it. */
  const profileWhen = (username: string, accept: (profile: ProfileView) => boolean) =>
    waitFor(
      async () => {
        try {
          const profile = await blog.send(BlogRpc.getProfile, { viewerId: null, username });
          return accept(profile) ? profile : undefined;
        } catch (error) {
          if (error instanceof ServiceError && error.status === 404) return undefined;
          throw error;
        }
      },
      { what: `the profile of ${username}` },
    );

  it('answers health probes on its HTTP port', async () => {
    const { port } = app.getHttpServer().address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(response.status).toBe(200);
  });

  it('builds its authors from user events and ignores repeated or older ones', async () => {
    const v1 = newUser('e2e');
    const v2: UserProfileData = { ...v1, bio: 'Second version', version: 2 };
    exchange.publish(AuthEvents.userRegistered.name, v1);
    await profileWhen(v1.username, () => true);
    exchange.publish(AuthEvents.userUpdated.name, v2);
    await profileWhen(v1.username, (profile) => profile.bio === 'Second version');

    // The relay may send an event twice; events may arrive late. Neither may undo v2.
    exchange.publish(AuthEvents.userRegistered.name, v1);
    exchange.publish(AuthEvents.userUpdated.name, v2);
    const marker = newUser('marker');
    exchange.publish(AuthEvents.userRegistered.name, marker);
    await profileWhen(marker.username, () => true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await blog.send(BlogRpc.getProfile, { viewerId: null, username: v1.username })).toEqual({
      username: v1.username,
      bio: 'Second version',
      image: null,
      following: false,
    });
  });

  it('retries an event that cannot be applied yet until it can', async () => {
    // B takes the name A is giving up, but B's event overtakes A's rename: B's event fails on
    // the unique username, goes back to the queue, and succeeds once A's rename is applied.
    const a = newUser('holder');
    exchange.publish(AuthEvents.userRegistered.name, a);
    await profileWhen(a.username, () => true);
    const b: UserProfileData = { ...newUser('taker'), username: a.username, bio: "I'm B" };
    exchange.publish(AuthEvents.userRegistered.name, b);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await profileWhen(a.username, () => true)).bio).toBeNull();

    exchange.publish(AuthEvents.userUpdated.name, { ...a, username: `${a.username}x`, version: 2 });
    await profileWhen(`${a.username}x`, () => true);
    await profileWhen(a.username, (profile) => profile.bio === "I'm B");
  });

  /** The message of blog.events.dead whose id is `eventId`, once it is there; it stays there. */
  const deadLetter = (eventId: string) =>
    waitFor(
      async () => {
        const { messageCount } = await channel.checkQueue(deadLetterQueueOf(BLOG_EVENTS_QUEUE));
        const messages = [];
        for (let index = 0; index < messageCount; index += 1) {
          const message = await channel.get(deadLetterQueueOf(BLOG_EVENTS_QUEUE));
          if (message) messages.push(message);
        }
        for (const message of messages) channel.nack(message, false, true);
        return messages.find((message) => message.properties.messageId === eventId);
      },
      { what: `event ${eventId} in blog.events.dead`, timeoutMs: 15_000 },
    );

  it('puts a malformed event in blog.events.dead at once instead of retrying it', async () => {
    const eventId = randomUUID();
    exchange.publish(AuthEvents.userUpdated.name, { userId: 'not-a-user' }, eventId);
    const after = newUser('after');
    exchange.publish(AuthEvents.userRegistered.name, after);
    await profileWhen(after.username, () => true);
    expect((await deadLetter(eventId)).properties.headers?.['capstone-attempts']).toBe(1);
    expect(await exchange.waiting(BLOG_EVENTS_QUEUE)).toBe(0);
  });

  it('dead-letters an event its database refuses after a few attempts, goes on meanwhile, and applies it once replayed after the fix', async () => {
    const user = newUser('poisoned');
    exchange.publish(AuthEvents.userRegistered.name, user);
    await profileWhen(user.username, () => true);
    // Passes the event's schema, but not the authors table's integer column.
    const eventId = randomUUID();
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    exchange.publish(
      AuthEvents.userUpdated.name,
      { ...user, bio: 'From the future', version: 3_000_000_000 },
      eventId,
      { traceparent },
    );
    const bystander = newUser('bystander');
    exchange.publish(AuthEvents.userRegistered.name, bystander);
    await profileWhen(bystander.username, () => true);

    const dead = await deadLetter(eventId);
    expect(dead.properties.headers).toMatchObject({
      traceparent,
      'capstone-attempts': 3,
      'capstone-error': 'QueryFailedError: value "3000000000" is out of range for type integer',
    });
    expect(await exchange.waiting(BLOG_EVENTS_QUEUE)).toBe(0);

    // The fix: a column wide enough. Then the one replay command.
    const database = new pg.Client({ connectionString: stores.database.url });
    await database.connect();
    await database.query('ALTER TABLE authors ALTER COLUMN version TYPE bigint');
    await database.end();
    expect(await replayDeadLetters(channel, BLOG_EVENTS_QUEUE)).toBeGreaterThanOrEqual(1);
    await profileWhen(user.username, (profile) => profile.bio === 'From the future');
  });

  it('answers requests and publishes article.created after the article is saved', async () => {
    const user = newUser('writer');
    exchange.publish(AuthEvents.userRegistered.name, { ...user, bio: 'Writes things' });
    await profileWhen(user.username, () => true);

    const article = await blog.send(BlogRpc.createArticle, {
      viewerId: user.userId,
      username: user.username,
      article: { title: 'Over the broker', description: 'RPC', body: 'Hello', tagList: ['e2e'] },
    });
    expect(article.author).toEqual({
      username: user.username,
      bio: 'Writes things',
      image: null,
      following: false,
    });
    const event = await waitFor(
      () =>
        published.find(
          (envelope) =>
            envelope.name === 'article.created' &&
            (envelope.data as ArticleEventData).slug === article.slug,
        ),
      { what: 'article.created' },
    );
    expect(event.data).toMatchObject({ authorId: user.userId, tagList: ['e2e'] });

    const list = await blog.send(BlogRpc.listArticles, {
      viewerId: null,
      tag: 'e2e',
      limit: 20,
      offset: 0,
    });
    expect(list.articles.map((item) => item.slug)).toEqual([article.slug]);
  });

  it('sends expected failures back with their status and field errors', async () => {
    const missing = await failureOf(
      blog.send(BlogRpc.getArticle, { viewerId: null, slug: 'no-such-article' }),
    );
    expect([missing.status, missing.errors]).toEqual([404, { article: ['not found'] }]);
    const invalid = await failureOf(
      blog.send(BlogRpc.createArticle, {
        viewerId: randomUUID(),
        username: 'someone',
        article: { title: '', description: 'd', body: 'b' },
      }),
    );
    expect([invalid.status, invalid.errors]).toEqual([422, { title: ["can't be blank"] }]);
  });

  it.each<[string, string, unknown, Record<string, string[]>]>([
    [
      'a list filtered by an operator object',
      BlogRpc.listArticles.pattern,
      { viewerId: null, tag: { $ne: null } },
      { tag: ['must be text'] },
    ],
    [
      'a page far too large',
      BlogRpc.listArticles.pattern,
      { viewerId: null, limit: 10_000 },
      { limit: ['must be at most 100'] },
    ],
    [
      'an article without its fields',
      BlogRpc.createArticle.pattern,
      { viewerId: randomUUID(), username: 'raw' },
      { article: ['must be an object with the article fields'] },
    ],
    [
      'a title with a NUL',
      BlogRpc.createArticle.pattern,
      {
        viewerId: randomUUID(),
        username: 'raw',
        article: { title: 'a\u0000b', description: 'd', body: 'b' },
      },
      { title: ['contains characters that cannot be stored (NUL or an unpaired surrogate)'] },
    ],
    [
      'a slug that is a number',
      BlogRpc.getArticle.pattern,
      { viewerId: null, slug: 42 },
      { slug: ['must be text'] },
    ],
    [
      'a follow by nobody',
      BlogRpc.follow.pattern,
      { username: 'raw', target: 'someone' },
      { viewerId: ["can't be blank"] },
    ],
    [
      'a body of a megabyte',
      BlogRpc.addComment.pattern,
      { viewerId: randomUUID(), username: 'raw', slug: 's', body: 'x'.repeat(1_000_000) },
      { body: ['is too long (maximum is 5000 characters)'] },
    ],
    [
      'flags for a string of slugs',
      BlogRpc.viewerFlags.pattern,
      { viewerId: randomUUID(), slugs: 'a,b', usernames: [] },
      { slugs: ['must be a list of slugs'] },
    ],
  ])(
    'answers %s put straight on its queue with 422 naming the field',
    async (_case, pattern, payload, errors) => {
      const reply = await raw.request(BLOG_QUEUE, pattern, payload);
      expect(reply.err).toEqual({ status: 422, errors });
      // And it goes on answering.
      expect((await raw.request(BLOG_QUEUE, BlogRpc.listTags.pattern, {})).response).toEqual(
        expect.any(Array),
      );
    },
  );

  it.each([
    ['a request without a pattern', '', { pattern: ["can't be blank"] }],
    [
      'a pattern the blog does not handle',
      'blog.article.purge',
      { pattern: ['is not handled here'] },
    ],
  ])('answers %s with 400 naming it, and goes on answering', async (_case, pattern, errors) => {
    const reply = await raw.request(BLOG_QUEUE, pattern, { slug: 'any' });
    expect(reply.err).toEqual({ status: 400, errors });
    expect((await raw.request(BLOG_QUEUE, BlogRpc.listTags.pattern, {})).response).toEqual(
      expect.any(Array),
    );
  });

  it('binds its events queue to the event names it handles, and nothing else', async () => {
    expect(await stores.vhost.bindingsOf(BLOG_EVENTS_QUEUE, EVENTS_EXCHANGE)).toEqual([
      'user.registered',
      'user.updated',
    ]);
  });
});
