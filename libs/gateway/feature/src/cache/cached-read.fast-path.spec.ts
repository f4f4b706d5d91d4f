import { context, INVALID_SPAN_CONTEXT, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { RPCType, setRPCMetadata, type RPCMetadata } from '@opentelemetry/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlogCacheKeys } from './blog-cache-keys.js';
import {
  cachedReadFastPath,
  commentPageFromQuery,
  listFilterFromQuery,
} from './cached-read.fast-path.js';

function fastPathKey(query: Record<string, string | string[]>): string | undefined {
  const filter = listFilterFromQuery(query);
  return filter && BlogCacheKeys.articles(filter);
}

describe('listFilterFromQuery', () => {
  it.each<[Record<string, string>, Record<string, string>]>([
    [{}, { limit: '20', offset: '0' }],
    [{ tag: '  dragons ' }, { tag: 'dragons' }],
    [{ tag: '' }, {}],
    [
      { q: ' train dragon ', author: 'ada', limit: '5', offset: '40' },
      { author: 'ada', q: 'train dragon', offset: '40', limit: '5' },
    ],
  ])('gives %j the cache key of its normalised form %j, as the controller would', (query, same) => {
    expect(fastPathKey(query)).toBeDefined();
    expect(fastPathKey(query)).toBe(fastPathKey(same));
  });

  it('keeps different filters apart', () => {
    expect(fastPathKey({ tag: 'a' })).not.toBe(fastPathKey({ tag: 'b' }));
    expect(fastPathKey({ limit: '5' })).not.toBe(fastPathKey({ limit: '6' }));
  });

  it('shares one entry between orderings of the same query', () => {
    expect(fastPathKey({ tag: 'a', limit: '5' })).toBe(fastPathKey({ limit: '5', tag: 'a' }));
  });

  it.each([
    { limit: '0' },
    { limit: '101' },
    { limit: 'abc' },
    { offset: '-1' },
    { unknown: 'x' },
    { tag: 'x'.repeat(41) },
    { tag: 'a\u0000b' },
  ])('leaves %j to the validated path', (query) => {
    expect(listFilterFromQuery(query)).toBeUndefined();
  });

  it('leaves repeated parameters to the validated path', () => {
    expect(listFilterFromQuery({ tag: ['a', 'b'] })).toBeUndefined();
  });
});

describe('commentPageFromQuery', () => {
  const pageKey = (query: Record<string, string>) => {
    const page = commentPageFromQuery(query);
    return page && BlogCacheKeys.commentPage('a-slug', page);
  };

  it('keys each page of comments apart, the default being the first 100', () => {
    expect(pageKey({})).toBe(pageKey({ limit: '100', offset: '0' }));
    expect(pageKey({ limit: '10', offset: '20' })).toBe(pageKey({ offset: '20', limit: '10' }));
    expect(pageKey({ limit: '10', offset: '20' })).not.toBe(pageKey({ limit: '10', offset: '30' }));
    expect(pageKey({ limit: '10' })).not.toBe(pageKey({}));
  });

  it.each([{ limit: '101' }, { offset: '10001' }, { offset: '-1' }, { tag: 'x' }])(
    'leaves %j to the validated path',
    (query) => {
      expect(commentPageFromQuery(query)).toBeUndefined();
    },
  );
});

describe('cachedReadFastPath', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => void context.setGlobalContextManager(contextManager.enable()));
  afterAll(() => {
    contextManager.disable();
    context.disable();
  });

  /** Runs one anonymous GET through the fast path, as the HTTP instrumentation would see it. */
  async function serve(url: string, cached: string | undefined) {
    const metadata: RPCMetadata = {
      type: RPCType.HTTP,
      span: trace.wrapSpanContext(INVALID_SPAN_CONTEXT),
    };
    const request = { method: 'GET', headers: {}, url } as IncomingMessage;
    const answered = Promise.withResolvers<'hit' | 'miss'>();
    const sent: { headers?: Record<string, unknown>; body?: string } = {};
    const response = {
      writeHead: (status: number, headers: Record<string, unknown>) => {
        sent.headers = { status, ...headers };
        return response;
      },
      end: (body: Buffer) => {
        sent.body = body.toString();
        answered.resolve('hit');
      },
    } as unknown as ServerResponse;
    const fastPath = cachedReadFastPath({ peek: () => Promise.resolve(cached) }, () => ({
      'x-frame-options': 'SAMEORIGIN',
    }));
    context.with(setRPCMetadata(ROOT_CONTEXT, metadata), () =>
      fastPath(request, response, () => answered.resolve('miss')),
    );
    return { answer: await answered.promise, route: metadata.route, ...sent };
  }

  it.each([
    ['/api/articles?tag=dragons', '/api/articles'],
    ['/api/articles/how-to-train', '/api/articles/:slug'],
    ['/api/articles/how-to-train/comments', '/api/articles/:slug/comments'],
    ['/api/profiles/ada', '/api/profiles/:username'],
    ['/api/tags', '/api/tags'],
  ])('labels a hit of %s with the route %s, as the controller would', async (url, route) => {
    expect(await serve(url, '{}')).toMatchObject({ answer: 'hit', route });
  });

  it('sends the cached bytes in their wrapper, with their length and X-Cache: HIT', async () => {
    const article = '{"slug":"how-to-train","title":"Dragons 🐉"}';
    const { headers, body } = await serve('/api/articles/how-to-train', article);
    expect(body).toBe(`{"article":${article}}`);
    expect(headers).toEqual({
      status: 200,
      'x-frame-options': 'SAMEORIGIN',
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body ?? ''),
      'X-Cache': 'HIT',
    });
  });

  it('serves a URL asked for again from the entry it was routed to the first time', async () => {
    const keys: string[] = [];
    const fastPath = cachedReadFastPath(
      { peek: (key) => (keys.push(key), Promise.resolve(undefined)) },
      () => ({}),
    );
    const request = { method: 'GET', headers: {}, url: '/api/articles?tag=a' } as IncomingMessage;
    for (let read = 0; read < 2; read += 1) {
      await new Promise<void>((resolve) => fastPath(request, {} as ServerResponse, resolve));
    }
    expect(keys).toEqual([fastPathKey({ tag: 'a' }), fastPathKey({ tag: 'a' })]);
  });

  it('leaves the route of a miss to the controller that answers it', async () => {
    expect(await serve('/api/articles/how-to-train', undefined)).toEqual({
      answer: 'miss',
      route: undefined,
    });
  });
});
