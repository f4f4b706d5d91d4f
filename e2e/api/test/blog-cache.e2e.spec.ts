import {
  BlogRpc,
  GATEWAY_EVENTS_QUEUE,
  type ArticleEventData,
  type CommentEventData,
  type EventEnvelope,
} from '@capstone/contracts';
import { BLOG_SERVICE } from '@capstone/gateway-feature';
import type { BrokerClient } from '@capstone/messaging';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort, missThenHit, TestEventsExchange, waitFor } from '@capstone/testing';
import {
  writeArticle,
  type ArticleBody,
  type ArticleListBody,
  type CommentsBody,
  type ProfileBody,
} from './support/blog.js';
import { signUp, startStack, type ApiClient, type Stack } from './support/stack.js';

const cacheOf = (response: { headers: Headers }) => response.headers.get('x-cache');

type CommentPageBody = CommentsBody & { commentsCount: number };

describe('the gateway cache for blog reads', () => {
  let stack: Stack;
  let author: Awaited<ReturnType<typeof signUp>>;
  let reader: Awaited<ReturnType<typeof signUp>>;

  beforeAll(async () => {
    stack = await startStack('cache');
    [author, reader] = await Promise.all([signUp(stack.api), signUp(stack.api)]);
  });

  afterAll(() => stack?.stop());

  const get = <T>(api: ApiClient, path: string, token?: string) =>
    api.request<T>('GET', path, { token });

  it('answers MISS, then HIT for the same public read', async () => {
    const article = await writeArticle(stack.api, author.token);
    for (const path of [
      `/api/articles/${article.slug}`,
      `/api/articles/${article.slug}/comments`,
      `/api/profiles/${author.username}`,
      '/api/tags',
      `/api/articles?author=${author.username}`,
    ]) {
      // The article's own events reach the gateway a moment after the write and may empty the
      // cache between two reads: missThenHit reads again until a MISS is followed by a HIT.
      const { miss, hit } = await missThenHit(() => get(stack.api, path));
      expect(hit.body, path).toEqual(miss.body);
      expect(hit.headers.get('content-type'), path).toBe('application/json; charset=utf-8');
    }
  });

  it('shows each write in the very next read', async () => {
    const article = await writeArticle(stack.api, author.token, { tagList: ['before'] });
    const articlePath = `/api/articles/${article.slug}`;
    const listPath = `/api/articles?author=${author.username}`;
    const commentsPath = `${articlePath}/comments`;
    await get(stack.api, articlePath);
    await get(stack.api, listPath);
    await get(stack.api, commentsPath);
    await get(stack.api, '/api/tags');

    await stack.api.request('PUT', articlePath, {
      token: author.token,
      body: { article: { body: 'edited', tagList: ['after'] } },
    });
    expect((await get<ArticleBody>(stack.api, articlePath)).body.article.body).toBe('edited');
    expect((await get<{ tags: string[] }>(stack.api, '/api/tags')).body.tags).toContain('after');

    await stack.api.request('POST', `${articlePath}/favorite`, { token: reader.token });
    expect((await get<ArticleBody>(stack.api, articlePath)).body.article.favoritesCount).toBe(1);
    const listed = await get<ArticleListBody>(stack.api, listPath);
    expect(listed.body.articles.find((item) => item.slug === article.slug)?.favoritesCount).toBe(1);

    await stack.api.request('POST', commentsPath, {
      token: reader.token,
      body: { comment: { body: 'first!' } },
    });
    expect(
      (await get<CommentsBody>(stack.api, commentsPath)).body.comments.map(
        (comment) => comment.body,
      ),
    ).toEqual(['first!']);

    const created = await writeArticle(stack.api, author.token);
    expect((await get<ArticleListBody>(stack.api, listPath)).body.articles[0]?.slug).toBe(
      created.slug,
    );

    await stack.api.request('DELETE', articlePath, { token: author.token });
    expect((await get(stack.api, articlePath)).status).toBe(404);
    expect(
      (await get<ArticleListBody>(stack.api, listPath)).body.articles.map((item) => item.slug),
    ).not.toContain(article.slug);
  });

  it("never shows one reader another reader's favorited and following flags", async () => {
    const article = await writeArticle(stack.api, author.token);
    const path = `/api/articles/${article.slug}`;
    await stack.api.request('POST', `${path}/favorite`, { token: reader.token });
    await stack.api.request('POST', `/api/profiles/${author.username}/follow`, {
      token: reader.token,
    });
    const stranger = await signUp(stack.api);

    for (let round = 0; round < 2; round += 1) {
      const asReader = await get<ArticleBody>(stack.api, path, reader.token);
      const asStranger = await get<ArticleBody>(stack.api, path, stranger.token);
      const anonymous = await get<ArticleBody>(stack.api, path);
      expect(asReader.body.article).toMatchObject({ favorited: true, author: { following: true } });
      expect(asStranger.body.article).toMatchObject({
        favorited: false,
        author: { following: false },
      });
      expect(anonymous.body.article).toMatchObject({
        favorited: false,
        author: { following: false },
      });
      if (round === 1)
        expect([cacheOf(asReader), cacheOf(asStranger), cacheOf(anonymous)]).toEqual([
          'HIT',
          'HIT',
          'HIT',
        ]);
    }
    const listAsReader = await get<ArticleListBody>(
      stack.api,
      `/api/articles?author=${author.username}`,
      reader.token,
    );
    const listAsStranger = await get<ArticleListBody>(
      stack.api,
      `/api/articles?author=${author.username}`,
      stranger.token,
    );
    expect(listAsReader.body.articles.find((item) => item.slug === article.slug)).toMatchObject({
      favorited: true,
    });
    expect(
      listAsStranger.body.articles.every((item) => !item.favorited && !item.author.following),
    ).toBe(true);
    const profileAsReader = await get<ProfileBody>(
      stack.api,
      `/api/profiles/${author.username}`,
      reader.token,
    );
    const profileAsStranger = await get<ProfileBody>(
      stack.api,
      `/api/profiles/${author.username}`,
      stranger.token,
    );
    expect([
      profileAsReader.body.profile.following,
      profileAsStranger.body.profile.following,
    ]).toEqual([true, false]);
  });

  it('turns a burst of identical misses into one call to the blog', async () => {
    const article = await writeArticle(stack.api, author.token);
    const send = vi.spyOn(stack.gateway.get<symbol, BrokerClient>(BLOG_SERVICE), 'send');
    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        get<ArticleBody>(stack.api, `/api/articles/${article.slug}`),
      ),
    );
    expect(responses.every((response) => response.status === 200)).toBe(true);
    const articleCalls = send.mock.calls.filter(([rpc]) => rpc === BlogRpc.getArticle);
    expect(articleCalls).toHaveLength(1);
  });

  describe('pages of comments and counts of lists', () => {
    let exchange: TestEventsExchange;
    let commentEvents: EventEnvelope<CommentEventData>[];
    let articleEvents: EventEnvelope<ArticleEventData>[];

    beforeAll(async () => {
      exchange = await TestEventsExchange.connect(stack.vhost.url);
      commentEvents = await exchange.record('comment.*');
      articleEvents = await exchange.record('article.*');
    });

    afterAll(() => exchange?.close());

    /**
     * Waits until the blog has announced `expected` events that `matches` and the gateway has taken
     * them all, so that their invalidations cannot fall in the middle of what a test counts.
     */
    async function eventsTaken<T>(
      events: EventEnvelope<T>[],
      matches: (data: T) => boolean,
      expected: number,
    ): Promise<void> {
      await waitFor(
        () => events.filter(({ data }) => matches(data)).length >= expected || undefined,
        {
          what: 'the blog’s events',
        },
      );
      await waitFor(async () => (await exchange.waiting(GATEWAY_EVENTS_QUEUE)) === 0 || undefined, {
        what: 'the gateway to take the events',
      });
    }

    const comment = (slug: string, body: string) =>
      stack.api.request<{ comment: { id: number } }>('POST', `/api/articles/${slug}/comments`, {
        token: reader.token,
        body: { comment: { body } },
      });
    /** Each page's cache result, newest comment and count. */
    const firstOfEach = (paths: string[]) =>
      Promise.all(
        paths.map(async (path) => {
          const page = await get<CommentPageBody>(stack.api, path);
          return [cacheOf(page), page.body.comments[0]?.body, page.body.commentsCount];
        }),
      );

    /** An article with 30 comments, `comment 0` to `comment 29`, and three pages of 10 cached. */
    async function threadOfThirty(): Promise<{ slug: string; paths: string[] }> {
      const { slug } = await writeArticle(stack.api, author.token);
      for (let i = 0; i < 30; i += 1) await comment(slug, `comment ${i}`);
      await eventsTaken(commentEvents, (data) => data.articleSlug === slug, 30);
      const paths = ['?limit=10', '?limit=10&offset=10', '?offset=20&limit=10'].map(
        (query) => `/api/articles/${slug}/comments${query}`,
      );
      for (const path of paths) expect(cacheOf(await get(stack.api, path)), path).toBe('MISS');
      return { slug, paths };
    }

    it('caches each page of comments apart: a repeated page is a HIT, another a MISS', async () => {
      const { paths } = await threadOfThirty();
      const pages = await Promise.all(paths.map((path) => get<CommentPageBody>(stack.api, path)));
      expect(pages.map(cacheOf)).toEqual(['HIT', 'HIT', 'HIT']);
      expect(pages.map((page) => page.body.comments.map((item) => item.body))).toEqual(
        [29, 19, 9].map((newest) => Array.from({ length: 10 }, (_, i) => `comment ${newest - i}`)),
      );
      expect(pages.map((page) => page.body.commentsCount)).toEqual([30, 30, 30]);
      expect(cacheOf(await get(stack.api, `${paths[0]}&offset=5`))).toBe('MISS');
    });

    it('makes every page stale when a comment is added through this gateway', async () => {
      const { slug, paths } = await threadOfThirty();
      await comment(slug, 'comment 30');
      expect(await firstOfEach(paths)).toEqual([
        ['MISS', 'comment 30', 31],
        ['MISS', 'comment 20', 31],
        ['MISS', 'comment 10', 31],
      ]);
    });

    it('makes every page stale when a comment is deleted', async () => {
      const { slug, paths } = await threadOfThirty();
      const newest = await get<CommentPageBody>(stack.api, paths[0] ?? '');
      await stack.api.request(
        'DELETE',
        `/api/articles/${slug}/comments/${newest.body.comments[0]?.id}`,
        {
          token: reader.token,
        },
      );
      expect(await firstOfEach(paths)).toEqual([
        ['MISS', 'comment 28', 29],
        ['MISS', 'comment 18', 29],
        ['MISS', 'comment 8', 29],
      ]);
    });

    it('makes every page stale when comment.created arrives from elsewhere', async () => {
      const { slug, paths } = await threadOfThirty();
      // Straight to the blog, as through another gateway: only the blog's event reaches this one.
      await stack.gateway.get<symbol, BrokerClient>(BLOG_SERVICE).send(BlogRpc.addComment, {
        viewerId: decodeJwt(reader.token).sub ?? '',
        username: reader.username,
        slug,
        body: 'comment 30',
      });
      const fresh = await waitFor(async () => {
        const seen = await firstOfEach(paths);
        return seen.every(([, , count]) => count === 31) ? seen : undefined;
      });
      expect(fresh.map(([, newest]) => newest)).toEqual(['comment 30', 'comment 20', 'comment 10']);
    });

    it('asks the blog for the count of a list once per change, not on every page miss', async () => {
      const writer = await signUp(stack.api);
      for (let i = 0; i < 3; i += 1) await writeArticle(stack.api, writer.token);
      const byWriter = (data: ArticleEventData) => data.authorUsername === writer.username;
      await eventsTaken(articleEvents, byWriter, 3);
      const send = vi.spyOn(stack.gateway.get<symbol, BrokerClient>(BLOG_SERVICE), 'send');
      const page = async (offset: number) => {
        const list = await get<ArticleListBody>(
          stack.api,
          `/api/articles?author=${writer.username}&limit=1&offset=${offset}`,
        );
        return [cacheOf(list), list.body.articlesCount];
      };
      const countsAsked = () =>
        send.mock.calls.flatMap(([rpc, request]) =>
          rpc === BlogRpc.listArticles ? [(request as { withCount?: boolean }).withCount] : [],
        );
      try {
        expect([await page(0), await page(1), await page(2)]).toEqual([
          ['MISS', 3],
          ['MISS', 3],
          ['MISS', 3],
        ]);
        expect(countsAsked()).toEqual([true, false, false]);

        await writeArticle(stack.api, writer.token);
        await eventsTaken(articleEvents, byWriter, 4);
        expect([await page(1), await page(3)]).toEqual([
          ['MISS', 4],
          ['MISS', 4],
        ]);
        expect(countsAsked()).toEqual([true, false, false, true, false]);
      } finally {
        send.mockRestore();
      }
    });
  });

  it('invalidates pages of an author when their profile changes in the auth service', async () => {
    const writer = await signUp(stack.api);
    const article = await writeArticle(stack.api, writer.token);
    const path = `/api/articles/${article.slug}`;
    await get(stack.api, path);
    expect(cacheOf(await get(stack.api, path))).toBe('HIT');
    await stack.api.request('PUT', '/api/user', {
      token: writer.token,
      body: { user: { bio: 'changed in auth' } },
    });
    const updated = await waitFor(async () => {
      const read = await get<ArticleBody>(stack.api, path);
      return read.body.article.author.bio === 'changed in auth' ? read : undefined;
    });
    expect(updated.body.article.author.bio).toBe('changed in auth');
  });
});

describe('the gateway with Redis unreachable', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack('no-redis', {
      gateway: { REDIS_URL: `redis://127.0.0.1:${await freePort()}` },
    });
  });

  afterAll(() => stack?.stop());

  it('still answers reads and writes correctly, uncached, and reports itself degraded', async () => {
    const account = await signUp(stack.api);
    const article = await writeArticle(stack.api, account.token);
    const first = await stack.api.request<ArticleBody>('GET', `/api/articles/${article.slug}`);
    await stack.api.request('PUT', `/api/articles/${article.slug}`, {
      token: account.token,
      body: { article: { body: 'after' } },
    });
    const second = await stack.api.request<ArticleBody>('GET', `/api/articles/${article.slug}`);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect([cacheOf(first), cacheOf(second)]).toEqual(['MISS', 'MISS']);
    expect(second.body.article.body).toBe('after');

    const ready = await stack.api.request('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'degraded',
      checks: {
        redis: { state: 'down' },
        'redis-cache': { state: 'down' },
        rabbitmq: { state: 'up' },
      },
    });
  });
});

describe('the gateway with only its cache’s Redis unreachable', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack('no-cache-redis', {
      gateway: { CACHE_REDIS_URL: `redis://127.0.0.1:${await freePort()}` },
    });
  });

  afterAll(() => stack?.stop());

  it('answers uncached, and keeps its security state in the other Redis: a logout still ends the token', async () => {
    const account = await signUp(stack.api);
    const article = await writeArticle(stack.api, account.token);
    const read = () => stack.api.request<ArticleBody>('GET', `/api/articles/${article.slug}`);
    expect([cacheOf(await read()), cacheOf(await read())]).toEqual(['MISS', 'MISS']);

    const ready = await stack.api.request('GET', '/health/ready');
    expect(ready.body).toMatchObject({
      status: 'degraded',
      checks: { redis: { state: 'up' }, 'redis-cache': { state: 'down' } },
    });

    expect(
      (await stack.api.request('POST', '/api/auth/logout', { token: account.token })).status,
    ).toBe(204);
    expect((await stack.api.request('GET', '/api/user', { token: account.token })).status).toBe(
      401,
    );
  });
});
