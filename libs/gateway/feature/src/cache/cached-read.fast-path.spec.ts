import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { describe, expect, it } from 'vitest';
import { ListArticlesQuery } from '../blog/blog.dto.js';
import { BlogCacheKeys } from './blog-cache-keys.js';
import { listFilterFromQuery } from './cached-read.fast-path.js';

function fastPathKey(query: Record<string, string>): string | undefined {
  const filter = listFilterFromQuery(query);
  return filter && BlogCacheKeys.articles(filter);
}

/** The key the controller path computes after validation, for comparison. */
function validatedKey(query: Record<string, string>): string | undefined {
  const dto = plainToInstance(ListArticlesQuery, query);
  if (validateSync(dto, { whitelist: true, forbidNonWhitelisted: true }).length > 0)
    return undefined;
  const { tag, author, favorited, q, limit, offset } = dto;
  return BlogCacheKeys.articles({ tag, author, favorited, q, limit, offset });
}

describe('listFilterFromQuery', () => {
  it.each<Record<string, string>>([
    {},
    { limit: '20' },
    { limit: '5', offset: '40' },
    { tag: 'dragons' },
    {
      tag: '  dragons ',
      author: 'ada',
      favorited: 'bob',
      q: 'train dragon',
      limit: '100',
      offset: '0',
    },
  ])('gives the same cache key as the validated request for %j', (query) => {
    const key = fastPathKey(query);
    expect(key).toBeDefined();
    expect(key).toBe(validatedKey(query));
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
    { tag: '' },
    { tag: 'x'.repeat(41) },
  ])('leaves %j to the validated path', (query) => {
    expect(listFilterFromQuery(query)).toBeUndefined();
  });

  it('leaves repeated parameters to the validated path', () => {
    expect(listFilterFromQuery({ tag: ['a', 'b'] })).toBeUndefined();
  });
});
