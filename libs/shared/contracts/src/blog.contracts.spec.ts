import { describe, expect, it } from 'vitest';
import type { ProfileView } from './blog-views.js';
import {
  ArticleChanges,
  ArticleQuery,
  BlogFields,
  BlogRpc,
  BlogRules,
  commentIdField,
  NewArticle,
} from './blog.contracts.js';
import type { RpcHandlers, RpcPayload } from './rpc.js';
import { validate } from './schema/validate.js';
import { errorsOf } from '../test/support/errors-of.js';

const valid = { title: 'Title', description: 'Description', body: 'Body' };

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

  it('reads author and favorited with the accounts’ username rule', () => {
    const pattern = 'may only contain letters, digits, _, - and .';
    expect(query({ author: ' jake.doe-2 ', favorited: '' })).toMatchObject({
      ok: true,
      value: { author: 'jake.doe-2', favorited: undefined },
    });
    expect(errorsOf(query({ author: 'jake doe', favorited: 'jake/..' }))).toEqual({
      author: [pattern],
      favorited: [pattern],
    });
    expect(errorsOf(query({ author: 'a\u0000b' }))).toEqual({
      author: ['contains characters that cannot be stored (NUL or an unpaired surrogate)'],
    });
  });

  it('refuses operator objects and unknown fields', () => {
    expect(errorsOf(query({ tag: { $ne: null } }))).toEqual({ tag: ['must be text'] });
    expect(errorsOf(query({ sort: 'title' }))).toEqual({ sort: ['is not allowed'] });
  });
});

describe('the comments request', () => {
  const request = (input: Record<string, unknown>) =>
    validate(BlogRpc.listComments.request, { viewerId: null, slug: 'a-slug', ...input });

  it('gives the first 100 with their count unless asked otherwise', () => {
    expect(request({})).toMatchObject({
      ok: true,
      value: { limit: BlogRules.commentLimitDefault, offset: 0, withCount: true },
    });
    expect(BlogRules.commentLimitDefault).toBe(100);
    expect(
      request({ limit: 100, offset: BlogRules.listOffsetMax, withCount: false }),
    ).toMatchObject({ ok: true });
  });

  it('refuses pages out of bounds, naming the field', () => {
    expect(errorsOf(request({ limit: 101 }))).toEqual({ limit: ['must be at most 100'] });
    expect(errorsOf(request({ offset: 10_001 }))).toEqual({ offset: ['must be at most 10000'] });
    expect(errorsOf(request({ withCount: 'yes' }))).toEqual({
      withCount: ['must be true or false'],
    });
  });
});

describe('BlogFields', () => {
  it('holds usernames to the accounts’ rule wherever the blog reads one', () => {
    const pattern = 'may only contain letters, digits, _, - and .';
    expect(validate(BlogFields.username, 'jake')).toEqual({ ok: true, value: 'jake' });
    expect(
      errorsOf(validate(BlogRpc.getProfile.request, { viewerId: null, username: 'a b' })),
    ).toEqual({ username: [pattern] });
    expect(
      errorsOf(
        validate(BlogRpc.viewerFlags.request, {
          viewerId: '00000000-0000-4000-8000-000000000000',
          slugs: [],
          usernames: ['ok', 'not ok'],
        }),
      ),
    ).toEqual({ usernames: [pattern] });
  });

  it('reads comment ids as positive 32-bit integers, from a URL as text', () => {
    const fromPath = commentIdField({ coerce: true });
    expect(validate(fromPath, '12')).toEqual({ ok: true, value: 12 });
    for (const id of ['0', '-1', 'abc', '1.5', String(BlogRules.commentIdMax + 1), '99999999999']) {
      expect(validate(fromPath, id), id).toMatchObject({ ok: false });
    }
    expect(validate(BlogFields.commentId, BlogRules.commentIdMax)).toMatchObject({ ok: true });
    expect(errorsOf(validate(BlogFields.commentId, '12', 'commentId'))).toEqual({
      commentId: ['must be a whole number'],
    });
  });
});

const profile: ProfileView = { username: 'jake', bio: null, image: null, following: false };
type ProfileRpcs = Pick<typeof BlogRpc, 'getProfile' | 'follow'>;

/** Handler sets that disagree with their contracts: each marked line must fail to compile. */
// @ts-expect-error the follow handler is missing
export class MissingHandler implements RpcHandlers<ProfileRpcs> {
  getProfile(): Promise<ProfileView> {
    return Promise.resolve(profile);
  }
}

export class WrongHandlers implements RpcHandlers<ProfileRpcs> {
  // @ts-expect-error the payload is not the contract's
  getProfile(request: { id: number }): Promise<ProfileView> {
    return Promise.resolve({ ...profile, username: String(request.id) });
  }

  // @ts-expect-error the reply is not the contract's
  follow(command: RpcPayload<typeof BlogRpc.follow>): Promise<string> {
    return Promise.resolve(command.target);
  }
}
