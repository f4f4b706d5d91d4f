import { describe, expect, it } from 'vitest';
import { BlogCacheKeys } from './blog-cache-keys.js';
import { listFilterFromQuery } from './cached-read.fast-path.js';

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
