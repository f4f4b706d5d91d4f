import type { Response } from 'express';
import type { Cached } from './response-cache.js';

export const CACHE_HEADER = 'X-Cache';

/** Sets `X-Cache: HIT|MISS` and returns the value, for controllers that serve cached reads. */
export function served<T>(response: Response, cached: Cached<T>): T {
  response.set(CACHE_HEADER, cached.cache);
  return cached.value;
}
