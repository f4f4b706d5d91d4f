import { describe, expect, it } from 'vitest';
import { BlogRules } from '@capstone/contracts';
import { ServiceError } from '@capstone/messaging';
import { QueryFailedError } from 'typeorm';
import { checkArticleChanges, checkNewArticle, normaliseTags } from './article-fields.js';
import { checkCriteria, checkPage } from './list-criteria.js';
import { retryOnSlugCollision } from './slug-collision.js';

function failure(run: () => unknown): ServiceError {
  try {
    run();
  } catch (error) {
    if (error instanceof ServiceError) return error;
  }
  throw new Error('expected a ServiceError');
}

const valid = { title: 'Title', description: 'Description', body: 'Body' };

describe('normaliseTags', () => {
  it('trims, drops blanks, removes duplicates and sorts', () => {
    expect(normaliseTags([' dragons', 'training ', '', '   ', 'dragons', 'angular'])).toEqual([
      'angular',
      'dragons',
      'training',
    ]);
    expect(normaliseTags(undefined)).toEqual([]);
  });

  it('counts tags after removing duplicates', () => {
    const tags = Array.from({ length: BlogRules.tagsMax }, (_, i) => `tag${i}`);
    expect(normaliseTags([...tags, ...tags])).toHaveLength(BlogRules.tagsMax);
    expect(failure(() => normaliseTags([...tags, 'one more'])).errors).toEqual({
      tagList: [`has too many tags (maximum is ${BlogRules.tagsMax})`],
    });
  });

  it('refuses tags that are too long or not text', () => {
    expect(normaliseTags(['é'.repeat(BlogRules.tagMaxLength)])).toHaveLength(1);
    expect(failure(() => normaliseTags(['x'.repeat(BlogRules.tagMaxLength + 1)])).status).toBe(422);
    expect(failure(() => normaliseTags('dragons')).errors).toEqual({
      tagList: ['must be a list of text'],
    });
    expect(failure(() => normaliseTags(['ok', 7])).status).toBe(422);
  });
});

describe('checkNewArticle', () => {
  it('trims title and description and keeps the body as written', () => {
    expect(checkNewArticle({ ...valid, title: '  Title ', body: '  indented\n' })).toEqual({
      title: 'Title',
      description: 'Description',
      body: '  indented\n',
      tagList: [],
    });
  });

  it('names every field at fault at once', () => {
    expect(
      failure(() =>
        checkNewArticle({ title: ' ', description: 'x'.repeat(501), body: '', tagList: [] }),
      ).errors,
    ).toEqual({
      title: ["can't be blank"],
      description: ['is too long (maximum is 500 characters)'],
      body: ["can't be blank"],
    });
    expect(Object.keys(failure(() => checkNewArticle(undefined)).errors)).toEqual([
      'title',
      'description',
      'body',
    ]);
  });

  it('counts characters, not UTF-16 units', () => {
    const title = '😀'.repeat(BlogRules.titleMaxLength);
    expect(checkNewArticle({ ...valid, title }).title).toBe(title);
    expect(failure(() => checkNewArticle({ ...valid, title: `${title}😀` })).errors).toEqual({
      title: ['is too long (maximum is 200 characters)'],
    });
  });
});

describe('checkArticleChanges', () => {
  it('checks only the fields present', () => {
    expect(checkArticleChanges({ body: 'new body' })).toEqual({ body: 'new body' });
    expect(checkArticleChanges({})).toEqual({});
    expect(failure(() => checkArticleChanges({ title: '' })).errors).toEqual({
      title: ["can't be blank"],
    });
  });
});

describe('list criteria', () => {
  it('applies the default page and refuses pages out of bounds', () => {
    expect(checkPage({})).toEqual({ limit: BlogRules.listLimitDefault, offset: 0 });
    expect(checkPage({ limit: 100, offset: 40 })).toEqual({ limit: 100, offset: 40 });
    for (const limit of [0, 101, 2.5, '10']) {
      expect(failure(() => checkPage({ limit })).errors).toHaveProperty('limit');
    }
    expect(failure(() => checkPage({ offset: -1 })).errors).toHaveProperty('offset');
  });

  it('treats blank filters as absent and bounds the search text', () => {
    expect(checkCriteria({ tag: '  ', author: ' jake ', q: '' })).toEqual({
      tag: undefined,
      author: 'jake',
      favorited: undefined,
      q: undefined,
    });
    expect(failure(() => checkCriteria({ q: 'x'.repeat(201) })).errors).toEqual({
      q: ['is too long (maximum is 200 characters)'],
    });
  });
});

describe('retryOnSlugCollision', () => {
  const collision = () =>
    new QueryFailedError('INSERT', [], {
      code: '23505',
      constraint: 'articles_slug_unique',
    } as unknown as Error);

  it('tries again when the slug was taken, with a limit', async () => {
    let attempts = 0;
    const result = await retryOnSlugCollision(async () => {
      attempts += 1;
      if (attempts < 3) throw collision();
      return 'saved';
    });
    expect(result).toBe('saved');

    attempts = 0;
    await expect(
      retryOnSlugCollision(async () => {
        attempts += 1;
        throw collision();
      }),
    ).rejects.toBeInstanceOf(QueryFailedError);
    expect(attempts).toBe(3);
  });

  it('does not retry other failures', async () => {
    let attempts = 0;
    await expect(
      retryOnSlugCollision(async () => {
        attempts += 1;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(attempts).toBe(1);
  });
});
