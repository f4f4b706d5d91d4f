import type { ArticleFilter } from '@capstone/contracts';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ListArticlesQuery } from '../blog-api/blog.schemas.js';
import { CACHE_HEADER } from './cache-header.js';
import { BlogCacheKeys } from './blog-cache-keys.js';
import { ResponseCache, type EntryKind } from './response-cache.js';

interface CachedRoute {
  readonly key: string;
  readonly kind: EntryKind;
  /** The response body around the cached JSON, e.g. `{"article":` and `}`. */
  readonly wrap?: string;
}

/**
 * The article list filter of a query string, read with the same schema as the controller's, or
 * undefined for anything it refuses: such requests take the full path, which explains what is wrong.
 */
export function listFilterFromQuery(query: Request['query']): ArticleFilter | undefined {
  const result = ListArticlesQuery.safeParse(query);
  return result.success ? result.data : undefined;
}

function segment(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function routeOf(request: Request): CachedRoute | undefined {
  const path = request.path;
  if (path === '/api/articles') {
    const filter = listFilterFromQuery(request.query);
    return filter && { key: BlogCacheKeys.articles(filter), kind: 'list' };
  }
  if (path === '/api/tags') return { key: BlogCacheKeys.tags(), kind: 'entry', wrap: 'tags' };
  const match = /^\/api\/(articles|profiles)\/([^/]+)(\/comments)?$/.exec(path);
  const name = match?.[2] && segment(match[2]);
  if (!match || !name) return undefined;
  if (match[1] === 'profiles')
    return match[3]
      ? undefined
      : { key: BlogCacheKeys.profile(name), kind: 'entry', wrap: 'profile' };
  if (match[3]) return { key: BlogCacheKeys.comments(name), kind: 'entry', wrap: 'comments' };
  return name === 'feed'
    ? undefined
    : { key: BlogCacheKeys.article(name), kind: 'entry', wrap: 'article' };
}

/**
 * Serves cache hits for anonymous readers before the request enters Nest: one Redis round trip,
 * and the cached bytes go out as they are. A reader with a token, a miss or an unusual request
 * continues down the normal path (guards, validation, controllers), which fills the cache.
 * This is what a CDN or Varnish does in front of an app, done inside the gateway.
 */
export function cachedReadFastPath(cache: ResponseCache): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' || request.headers.authorization !== undefined) return next();
    const route = routeOf(request);
    if (!route) return next();
    cache.peek(route.key, route.kind).then(
      (json) => {
        if (json === undefined) return next();
        const body = route.wrap ? `{"${route.wrap}":${json}}` : json;
        // Straight to Node's response: Express's send() would hash the body for an ETag first.
        response.writeHead(200, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': Buffer.byteLength(body),
          [CACHE_HEADER]: 'HIT',
        });
        response.end(body);
      },
      () => next(),
    );
  };
}
