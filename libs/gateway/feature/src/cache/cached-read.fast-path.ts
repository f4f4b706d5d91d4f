import type { ArticleFilter } from '@capstone/contracts';
import { labelHttpRoute } from '@capstone/telemetry';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import { CommentsQuery, ListArticlesQuery } from '../blog-api/blog.schemas.js';
import { CACHE_HEADER } from './cache-header.js';
import { BlogCacheKeys, type Page } from './blog-cache-keys.js';
import { ResponseCache, type EntryScope } from './response-cache.js';

interface CachedRoute {
  /** The route as the controller that fills the entry declares it, e.g. `/api/articles/:slug`. */
  readonly httpRoute: string;
  readonly key: string;
  readonly scope: EntryScope;
  /** The response body around the cached JSON, e.g. `{"article":` and `}`. */
  readonly wrap?: string;
}

/**
 * The article list filter of a query string, read with the same schema as the controller's, or
 * undefined for anything it refuses: such requests take the full path, which explains what is wrong.
 */
export function listFilterFromQuery(query: unknown): ArticleFilter | undefined {
  const result = ListArticlesQuery.safeParse(query);
  return result.success ? result.data : undefined;
}

/** The page of comments a query string asks for, read like `listFilterFromQuery`. */
export function commentPageFromQuery(query: unknown): Page | undefined {
  const result = CommentsQuery.safeParse(query);
  return result.success ? result.data : undefined;
}

function segment(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function routeOf(request: FastifyRequest): CachedRoute | undefined {
  const queryAt = request.url.indexOf('?');
  const path = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  if (path === '/api/articles') {
    const filter = listFilterFromQuery(request.query);
    return (
      filter && { httpRoute: '/api/articles', key: BlogCacheKeys.articles(filter), scope: 'list' }
    );
  }
  if (path === '/api/tags')
    return { httpRoute: '/api/tags', key: BlogCacheKeys.tags(), scope: 'entry', wrap: 'tags' };
  const match = /^\/api\/(articles|profiles)\/([^/]+)(\/comments)?$/.exec(path);
  const name = match?.[2] && segment(match[2]);
  if (!match || !name) return undefined;
  if (match[1] === 'profiles')
    return match[3]
      ? undefined
      : {
          httpRoute: '/api/profiles/:username',
          key: BlogCacheKeys.profile(name),
          scope: 'entry',
          wrap: 'profile',
        };
  if (match[3]) {
    const page = commentPageFromQuery(request.query);
    return (
      page && {
        httpRoute: '/api/articles/:slug/comments',
        key: BlogCacheKeys.commentPage(name, page),
        scope: BlogCacheKeys.commentThread(name),
      }
    );
  }
  return name === 'feed'
    ? undefined
    : {
        httpRoute: '/api/articles/:slug',
        key: BlogCacheKeys.article(name),
        scope: 'entry',
        wrap: 'article',
      };
}

/**
 * Serves cache hits for anonymous readers before Nest routes the request (a Fastify `onRequest`
 * hook): one Redis round trip, and the cached bytes go out as they are. A reader with a token, a
 * miss or an unusual request continues down the normal path (guards, validation, controllers),
 * which fills the cache. This is what a CDN or Varnish does in front of an app, done inside the
 * gateway.
 */
export function cachedReadFastPath(cache: Pick<ResponseCache, 'peek'>) {
  return (request: FastifyRequest, reply: FastifyReply, next: HookHandlerDoneFunction): void => {
    if (request.method !== 'GET' || request.headers.authorization !== undefined) return next();
    const route = routeOf(request);
    if (!route) return next();
    cache.peek(route.key, route.scope).then(
      (json) => {
        if (json === undefined) return next();
        labelHttpRoute(route.httpRoute);
        void reply
          .headers({ 'content-type': 'application/json; charset=utf-8', [CACHE_HEADER]: 'HIT' })
          .send(route.wrap ? `{"${route.wrap}":${json}}` : json);
      },
      () => next(),
    );
  };
}
