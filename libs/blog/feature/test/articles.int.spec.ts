import {
  type ArticleEventData,
  BlogRpc,
  BlogRules,
  type FavoriteEventData,
} from '@capstone/contracts';
import { describe, expect, it } from 'vitest';
import { ArticleReader } from '../src/articles/article-reader.js';
import { ArticlesService } from '../src/articles/articles.service.js';
import { FavoritesService } from '../src/articles/favorites.service.js';
import { failureOf, useBlogContext } from './support/blog-context.js';

const ISO_WITH_MILLISECONDS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const draft = (title = 'How to train your dragon') => ({
  title,
  description: 'Ever wonder how?',
  body: 'You have to believe.',
  tagList: ['training', ' dragons ', 'dragons', ''],
});

describe('articles on a real database', () => {
  const blog = useBlogContext('blog_articles');
  const articles = () => blog.get(ArticlesService);
  const reader = () => blog.get(ArticleReader);

  it('creates an article with a readable slug, normalised tags and its author', async () => {
    const jake = await blog.registeredActor('jake');
    const article = await blog.rpc(BlogRpc.createArticle, { ...jake, article: draft() });
    expect(article).toEqual({
      slug: expect.stringMatching(/^how-to-train-your-dragon-[a-z0-9]{6}$/),
      title: 'How to train your dragon',
      description: 'Ever wonder how?',
      body: 'You have to believe.',
      tagList: ['dragons', 'training'],
      createdAt: expect.stringMatching(ISO_WITH_MILLISECONDS),
      updatedAt: article.createdAt,
      favorited: false,
      favoritesCount: 0,
      author: { username: jake.username, bio: null, image: null, following: false },
    });
    expect(await reader().get(article.slug, null)).toEqual(article);
  });

  it('writes article.created to the outbox with the article', async () => {
    const jake = await blog.registeredActor('jake');
    const article = await blog.rpc(BlogRpc.createArticle, { ...jake, article: draft('Outbox') });
    const events = await blog.outboxEvents<ArticleEventData>('article.created');
    expect(events.find((event) => event.slug === article.slug)).toEqual({
      articleId: expect.any(String),
      slug: article.slug,
      title: 'Outbox',
      authorId: jake.viewerId,
      authorUsername: jake.username,
      tagList: ['dragons', 'training'],
    });
  });

  it('gives two articles with the same title different slugs', async () => {
    const jake = await blog.registeredActor();
    const first = await blog.rpc(BlogRpc.createArticle, { ...jake, article: draft('Same title') });
    const second = await blog.rpc(BlogRpc.createArticle, { ...jake, article: draft('Same title') });
    expect(first.slug).not.toBe(second.slug);
  });

  it('makes slugs from titles in any script and stores hostile text verbatim', async () => {
    const jake = await blog.registeredActor();
    const unicode = await blog.rpc(BlogRpc.createArticle, {
      ...jake,
      article: draft('Crème brûlée, Привет 日本'),
    });
    expect(unicode.slug).toMatch(/^creme-brulee-привет-日本-[a-z0-9]{6}$/);
    expect((await reader().get(unicode.slug, null)).title).toBe('Crème brûlée, Привет 日本');

    const sql = "'; DROP TABLE articles; --";
    const hostile = await blog.rpc(BlogRpc.createArticle, {
      ...jake,
      article: {
        title: sql,
        description: '<script>alert(1)</script>',
        body: sql,
        tagList: [sql, '%_\\'],
      },
    });
    expect(hostile.slug).toMatch(/^drop-table-articles-[a-z0-9]{6}$/);
    const stored = await reader().get(hostile.slug, null);
    expect(stored).toMatchObject({
      title: sql,
      description: '<script>alert(1)</script>',
      tagList: ['%_\\', sql],
    });
    expect(
      (await blog.rpc(BlogRpc.listArticles, { viewerId: null, tag: '%_\\', limit: 20, offset: 0 }))
        .articlesCount,
    ).toBe(1);
    expect(
      (await blog.rpc(BlogRpc.listArticles, { viewerId: null, tag: '%', limit: 20, offset: 0 }))
        .articlesCount,
    ).toBe(0);
  });

  it('accepts fields at their limits and refuses longer ones, naming the field', async () => {
    const jake = await blog.registeredActor();
    const longest = {
      title: 't'.repeat(BlogRules.titleMaxLength),
      description: 'd'.repeat(BlogRules.descriptionMaxLength),
      body: 'b'.repeat(BlogRules.bodyMaxLength),
      tagList: Array.from({ length: BlogRules.tagsMax }, (_, i) =>
        `${i}`.padEnd(BlogRules.tagMaxLength, 'x'),
      ),
    };
    const article = await blog.rpc(BlogRpc.createArticle, { ...jake, article: longest });
    expect(article.body).toHaveLength(BlogRules.bodyMaxLength);
    expect(article.slug).toMatch(/^t{60}-[a-z0-9]{6}$/);

    const tooLong = await failureOf(
      blog.rpc(BlogRpc.createArticle, {
        ...jake,
        article: { ...longest, body: `${longest.body}b` },
      }),
    );
    expect(tooLong.status).toBe(422);
    expect(tooLong.errors).toEqual({ body: ['is too long (maximum is 50000 characters)'] });
  });

  it('refuses blank fields and too many tags with 422 and saves nothing', async () => {
    const jake = await blog.registeredActor();
    const before = await blog.rpc(BlogRpc.listArticles, {
      viewerId: null,
      author: jake.username,
      limit: 20,
      offset: 0,
    });
    const blank = await failureOf(
      blog.rpc(BlogRpc.createArticle, {
        ...jake,
        article: { title: '  ', description: '', body: 'x' },
      }),
    );
    expect(blank.status).toBe(422);
    expect(blank.errors).toEqual({ title: ["can't be blank"], description: ["can't be blank"] });
    const tags = Array.from({ length: BlogRules.tagsMax + 1 }, (_, i) => `tag${i}`);
    expect(
      (
        await failureOf(
          blog.rpc(BlogRpc.createArticle, { ...jake, article: { ...draft(), tagList: tags } }),
        )
      ).errors,
    ).toHaveProperty('tagList');
    expect(
      (
        await blog.rpc(BlogRpc.listArticles, {
          viewerId: null,
          author: jake.username,
          limit: 20,
          offset: 0,
        })
      ).articlesCount,
    ).toBe(before.articlesCount);
  });

  it('answers 404 for an unknown slug', async () => {
    const error = await failureOf(reader().get('no-such-article', null));
    expect([error.status, error.errors]).toEqual([404, { article: ['not found'] }]);
  });

  it('keeps the slug when body, description or tags change', async () => {
    const jake = await blog.registeredActor();
    const article = await blog.rpc(BlogRpc.createArticle, {
      ...jake,
      article: draft('Stable slug'),
    });
    const updated = await blog.rpc(BlogRpc.updateArticle, {
      ...jake,
      slug: article.slug,
      changes: { body: 'New body', description: 'New description', tagList: ['b', 'a', 'a'] },
    });
    expect(updated).toMatchObject({
      slug: article.slug,
      body: 'New body',
      description: 'New description',
      tagList: ['a', 'b'],
    });
    expect(Date.parse(updated.updatedAt)).toBeGreaterThan(Date.parse(article.updatedAt));
    const event = (await blog.outboxEvents<ArticleEventData>('article.updated')).find(
      (e) => e.slug === article.slug,
    );
    expect(event).toBeDefined();
    expect(event).not.toHaveProperty('previousSlug');
  });

  it('gives a retitled article a new slug; the old one then answers 404', async () => {
    const jake = await blog.registeredActor();
    const article = await blog.rpc(BlogRpc.createArticle, { ...jake, article: draft('Old title') });
    const renamed = await blog.rpc(BlogRpc.updateArticle, {
      ...jake,
      slug: article.slug,
      changes: { title: 'New title' },
    });
    expect(renamed.slug).toMatch(/^new-title-[a-z0-9]{6}$/);
    expect((await failureOf(reader().get(article.slug, null))).status).toBe(404);
    expect((await reader().get(renamed.slug, null)).title).toBe('New title');
    const events = await blog.outboxEvents<ArticleEventData>('article.updated');
    expect(events.find((event) => event.slug === renamed.slug)).toMatchObject({
      previousSlug: article.slug,
      title: 'New title',
    });
  });

  it('changes nothing and announces nothing when an update repeats the current values', async () => {
    const jake = await blog.registeredActor();
    const article = await blog.rpc(BlogRpc.createArticle, {
      ...jake,
      article: draft('Same again'),
    });
    const count = async () => (await blog.outboxEvents('article.updated')).length;
    const eventsBefore = await count();
    const same = await blog.rpc(BlogRpc.updateArticle, {
      ...jake,
      slug: article.slug,
      changes: { title: ' Same again ', tagList: ['training', 'dragons'] },
    });
    expect(same).toEqual(article);
    expect(await count()).toBe(eventsBefore);
  });

  it('lets only the author edit or delete an article (403)', async () => {
    const [jake, anna] = await blog.registeredActors('jake', 'anna');
    const article = await blog.rpc(BlogRpc.createArticle, { ...jake, article: draft('Mine') });
    const edit = await failureOf(
      blog.rpc(BlogRpc.updateArticle, { ...anna, slug: article.slug, changes: { body: 'hacked' } }),
    );
    expect([edit.status, edit.errors]).toEqual([403, { article: ['is not yours'] }]);
    expect((await failureOf(articles().delete({ ...anna, slug: article.slug }))).status).toBe(403);
    expect((await reader().get(article.slug, null)).body).toBe('You have to believe.');
    expect(
      (await failureOf(blog.rpc(BlogRpc.updateArticle, { ...anna, slug: 'missing', changes: {} })))
        .status,
    ).toBe(404);
  });

  it('deletes an article with its comments and favorites, and announces it', async () => {
    const [jake, anna] = await blog.registeredActors('jake', 'anna');
    const article = await blog.rpc(BlogRpc.createArticle, {
      ...jake,
      article: draft('Short-lived'),
    });
    await blog.get(FavoritesService).favorite({ ...anna, slug: article.slug });
    await blog.rpc(BlogRpc.addComment, { ...anna, slug: article.slug, body: 'Nice' });

    expect(await articles().delete({ ...jake, slug: article.slug })).toEqual({ deleted: true });
    expect((await failureOf(reader().get(article.slug, null))).status).toBe(404);
    expect((await failureOf(articles().delete({ ...jake, slug: article.slug }))).status).toBe(404);
    const [leftovers] = await blog.dataSource.query<{ comments: number; favorites: number }[]>(
      `SELECT (SELECT count(*)::int FROM comments c JOIN articles a ON a.id = c.article_id) AS comments,
              (SELECT count(*)::int FROM favorites WHERE user_id = $1) AS favorites`,
      [anna.viewerId],
    );
    expect(leftovers).toEqual({ comments: 0, favorites: 0 });
    const deleted = await blog.outboxEvents<ArticleEventData>('article.deleted');
    expect(deleted.map((event) => event.slug)).toContain(article.slug);
  });
});

describe('favorites on a real database', () => {
  const blog = useBlogContext('blog_favorites');
  const reader = () => blog.get(ArticleReader);
  const favorites = () => blog.get(FavoritesService);

  it('is idempotent both ways and counts correctly', async () => {
    const [jake, anna] = await blog.registeredActors('jake', 'anna');
    const { slug } = await blog.rpc(BlogRpc.createArticle, {
      ...jake,
      article: draft('Favorite me'),
    });

    const once = await favorites().favorite({ ...anna, slug });
    const twice = await favorites().favorite({ ...anna, slug });
    expect(once).toMatchObject({ favorited: true, favoritesCount: 1 });
    expect(twice).toEqual(once);

    const unfavorited = await favorites().unfavorite({ ...anna, slug });
    expect(unfavorited).toMatchObject({ favorited: false, favoritesCount: 0 });
    expect(await favorites().unfavorite({ ...anna, slug })).toEqual(unfavorited);

    const favorited = await blog.outboxEvents<FavoriteEventData>('article.favorited');
    const unfavoritedEvents = await blog.outboxEvents<FavoriteEventData>('article.unfavorited');
    expect(favorited.filter((event) => event.articleSlug === slug)).toEqual([
      { articleSlug: slug, userId: anna.viewerId },
    ]);
    expect(unfavoritedEvents.filter((event) => event.articleSlug === slug)).toHaveLength(1);
  });

  it('does not count as an edit of the article', async () => {
    const [jake, anna] = await blog.registeredActors('jake', 'anna');
    const article = await blog.rpc(BlogRpc.createArticle, { ...jake, article: draft('Untouched') });
    expect((await favorites().favorite({ ...anna, slug: article.slug })).updatedAt).toBe(
      article.updatedAt,
    );
  });

  it('shows favorited from each viewer’s point of view', async () => {
    const [jake, anna, ben] = await blog.registeredActors('jake', 'anna', 'ben');
    const { slug } = await blog.rpc(BlogRpc.createArticle, {
      ...jake,
      article: draft('Points of view'),
    });
    await favorites().favorite({ ...anna, slug });
    expect(await reader().get(slug, anna.viewerId)).toMatchObject({
      favorited: true,
      favoritesCount: 1,
    });
    expect(await reader().get(slug, ben.viewerId)).toMatchObject({
      favorited: false,
      favoritesCount: 1,
    });
    expect(await reader().get(slug, null)).toMatchObject({ favorited: false, favoritesCount: 1 });
  });

  it('adds up favorites that arrive at the same moment', async () => {
    const jake = await blog.registeredActor();
    const { slug } = await blog.rpc(BlogRpc.createArticle, { ...jake, article: draft('Popular') });
    const fans = await Promise.all(Array.from({ length: 6 }, () => blog.registeredActor()));
    await Promise.all(
      fans.flatMap((fan) => [
        favorites().favorite({ ...fan, slug }),
        favorites().favorite({ ...fan, slug }),
      ]),
    );
    expect((await reader().get(slug, null)).favoritesCount).toBe(6);
  });

  it('answers 404 for an unknown article', async () => {
    const anna = await blog.registeredActor();
    const error = await failureOf(favorites().favorite({ ...anna, slug: 'nope' }));
    expect([error.status, error.errors]).toEqual([404, { article: ['not found'] }]);
  });
});
