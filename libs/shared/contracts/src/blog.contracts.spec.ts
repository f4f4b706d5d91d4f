import { describe, expect, it } from 'vitest';
import { ArticleChanges, ArticleQuery, BlogRules, NewArticle } from './blog.contracts.js';
import { validate } from './schema/validate.js';

const valid = { title: 'Title', description: 'Description', body: 'Body' };

function errorsOf(result: ReturnType<typeof validate>) {
  if (result.ok) throw new Error('expected the input to be refused');
  return result.errors;
}

describe('NewArticle', () => {
  it('trims title and description, keeps the body as written, and normalises the tags', () => {
    expect(
      validate(NewArticle, {
        ...valid,
        title: '  Title ',
        body: '  indented\n',
        tagList: [' dragons', 'training ', '', '   ', 'dragons', 'angular'],
      }),
    ).toEqual({
      ok: true,
      value: {
        title: 'Title',
        description: 'Description',
        body: '  indented\n',
        tagList: ['angular', 'dragons', 'training'],
      },
    });
    expect(validate(NewArticle, valid)).toMatchObject({ ok: true, value: { tagList: [] } });
  });

  it('names every field at fault at once, one message each', () => {
    expect(
      errorsOf(validate(NewArticle, { title: ' ', description: 'x'.repeat(501), body: '' })),
    ).toEqual({
      title: ["can't be blank"],
      description: ['is too long (maximum is 500 characters)'],
      body: ["can't be blank"],
    });
    expect(errorsOf(validate(NewArticle, undefined))).toEqual({
      payload: ['must be an object with the article fields'],
    });
    expect(errorsOf(validate(NewArticle, { ...valid, author: 'someone else' }))).toEqual({
      author: ['is not allowed'],
    });
  });

  it('counts characters, not UTF-16 units', () => {
    const title = '😀'.repeat(BlogRules.titleMaxLength);
    expect(validate(NewArticle, { ...valid, title })).toMatchObject({ ok: true });
    expect(errorsOf(validate(NewArticle, { ...valid, title: `${title}😀` }))).toEqual({
      title: ['is too long (maximum is 200 characters)'],
    });
  });

  it('counts tags after removing duplicates, and bounds each tag', () => {
    const tags = Array.from({ length: BlogRules.tagsMax }, (_, i) => `tag${i}`);
    expect(validate(NewArticle, { ...valid, tagList: [...tags, ...tags] })).toMatchObject({
      ok: true,
      value: { tagList: expect.any(Array) },
    });
    expect(errorsOf(validate(NewArticle, { ...valid, tagList: [...tags, 'one more'] }))).toEqual({
      tagList: [`has too many tags (maximum is ${BlogRules.tagsMax})`],
    });
    expect(
      errorsOf(
        validate(NewArticle, { ...valid, tagList: ['x'.repeat(BlogRules.tagMaxLength + 1)] }),
      ),
    ).toEqual({ tagList: ['has a tag that is too long (maximum is 40 characters)'] });
    for (const tagList of ['dragons', ['ok', 7]]) {
      expect(errorsOf(validate(NewArticle, { ...valid, tagList }))).toEqual({
        tagList: ['must be a list of tags'],
      });
    }
  });

  it('refuses text PostgreSQL cannot store: NUL and unpaired surrogates', () => {
    const unstorable = 'contains characters that cannot be stored (NUL or an unpaired surrogate)';
    expect(errorsOf(validate(NewArticle, { ...valid, title: 'a\u0000b' }))).toEqual({
      title: [unstorable],
    });
    expect(errorsOf(validate(NewArticle, { ...valid, body: 'half a pair: \ud83d' }))).toEqual({
      body: [unstorable],
    });
    expect(errorsOf(validate(NewArticle, { ...valid, tagList: ['\udc00'] }))).toEqual({
      tagList: [unstorable],
    });
  });
});

describe('ArticleChanges', () => {
  it('checks only the fields present', () => {
    expect(validate(ArticleChanges, { body: 'new body' })).toEqual({
      ok: true,
      value: { body: 'new body' },
    });
    expect(validate(ArticleChanges, {})).toEqual({ ok: true, value: {} });
    expect(errorsOf(validate(ArticleChanges, { title: '' }))).toEqual({
      title: ["can't be blank"],
    });
  });
});

describe('ArticleQuery', () => {
  const query = (input: Record<string, unknown>) =>
    validate(ArticleQuery, { viewerId: null, ...input });

  it('applies the default page and refuses pages out of bounds', () => {
    expect(query({})).toMatchObject({ ok: true, value: { limit: 20, offset: 0 } });
    expect(query({ limit: 100, offset: BlogRules.listOffsetMax })).toMatchObject({ ok: true });
    for (const limit of [0, 101, 2.5, '10']) {
      expect(errorsOf(query({ limit }))).toHaveProperty('limit');
    }
    for (const offset of [-1, BlogRules.listOffsetMax + 1]) {
      expect(errorsOf(query({ offset }))).toHaveProperty('offset');
    }
  });

  it('treats blank filters as absent, trims the others and bounds them', () => {
    expect(query({ tag: '  ', author: ' jake ', q: '' })).toMatchObject({
      ok: true,
      value: { tag: undefined, author: 'jake', q: undefined },
    });
    expect(errorsOf(query({ q: 'x'.repeat(201) }))).toEqual({
      q: ['is too long (maximum is 200 characters)'],
    });
    expect(errorsOf(query({ author: 'x'.repeat(41) }))).toEqual({
      author: ['is too long (maximum is 40 characters)'],
    });
    expect(errorsOf(query({ tag: 'a\u0000b' }))).toHaveProperty('tag');
  });

  it('refuses operator objects and unknown fields', () => {
    expect(errorsOf(query({ tag: { $ne: null } }))).toEqual({ tag: ['must be text'] });
    expect(errorsOf(query({ sort: 'title' }))).toEqual({ sort: ['is not allowed'] });
  });
});
