import type { FastifyReply } from 'fastify';
import type { Cached } from './response-cache.js';

export const CACHE_HEADER = 'X-Cache';

/** Sets `X-Cache: HIT|MISS` and returns the value, for controllers that serve cached reads. */
export function served<T>(response: FastifyReply, cached: Cached<T>): T {
  response.header(CACHE_HEADER, cached.cache);
  return cached.value;
}
