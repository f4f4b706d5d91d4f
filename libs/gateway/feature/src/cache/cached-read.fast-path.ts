import type { ArticleFilter } from '@capstone/contracts';
import { labelHttpRoute } from '@capstone/telemetry';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { parse as parseQuery } from 'node:querystring';
import { CommentsQuery, ListArticlesQuery } from '../blog-api/blog.schemas.js';
import type { FrontHandler } from '../http/request-front.js';
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

/** The route and cache entry of a URL, its query string read as Fastify reads it. */
function routeOf(url: string): CachedRoute | undefined {
  const queryAt = url.indexOf('?');
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const query = () => parseQuery(queryAt === -1 ? '' : url.slice(queryAt + 1));
  if (path === '/api/articles') {
    const filter = listFilterFromQuery(query());
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
    const page = commentPageFromQuery(query());
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

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * `routeOf`, remembered for the last URLs with a route (up to `size`, then forgotten at once;
 * their schemas bound their length): readers ask for the same pages again and again, and reading
 * a query with its schema was the largest of a hit's own costs in a profile.
 */
function rememberedRoutes(size: number): (url: string) => CachedRoute | undefined {
  const routes = new Map<string, CachedRoute>();
  return (url) => {
    const remembered = routes.get(url);
    if (remembered) return remembered;
    const route = routeOf(url);
    if (!route) return undefined;
    if (routes.size >= size) routes.clear();
    routes.set(url, route);
    return route;
  };
}

/** The body of a hit: the cached JSON as it is, or inside its wrapper (`{"article":…}`). */
function bodyOf(route: CachedRoute, json: string): Buffer {
  return Buffer.from(route.wrap ? `{"${route.wrap}":${json}}` : json);
}

/**
 * Serves cache hits for anonymous readers on Node's server, before Fastify and Nest see the
 * request (`RequestFront`): one Redis round trip, and the cached bytes go out with headers
 * computed once (`edgeHeaders`: the security headers and CORS every answer carries); the request
 * id is already set. A reader with a token, a miss or an unusual request goes on to Fastify
 * (guards, validation, controllers), which fills the cache. This is what a CDN or Varnish does in
 * front of an app, done inside the gateway.
 */
export function cachedReadFastPath(
  cache: Pick<ResponseCache, 'peek'>,
  headersFor: (request: IncomingHttpHeaders) => OutgoingHttpHeaders,
): FrontHandler {
  const routeOfUrl = rememberedRoutes(1_000);
  return (request: IncomingMessage, response, next) => {
    if (request.method !== 'GET' || request.headers.authorization !== undefined) return next();
    const route = routeOfUrl(request.url ?? '');
    if (!route) return next();
    cache.peek(route.key, route.scope).then(
      (json) => {
        if (json === undefined) return next();
        labelHttpRoute(route.httpRoute);
        const body = bodyOf(route, json);
        response
          .writeHead(200, {
            ...headersFor(request.headers),
            'content-type': JSON_TYPE,
            'content-length': body.length,
            [CACHE_HEADER]: 'HIT',
          })
          .end(body);
      },
      () => next(),
    );
  };
}
