import { BlogRpc, BlogRules } from '@capstone/contracts';
import type { Actor } from '@capstone/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { ArticleReader } from '../src/articles/article-reader.js';
import { FavoritesService } from '../src/articles/favorites.service.js';
import { ProfilesService } from '../src/profiles/profiles.service.js';
import { failureOf, useBlogContext } from './support/blog-context.js';

/**
 * One small blog for every list test: jake writes 25 articles (every third tagged `dragons`),
 * anna writes 5 tagged `dragons`; ben favorites four of jake's and follows anna.
 */
describe('article lists on a real database', () => {
  const blog = useBlogContext('blog_lists');
  const reader = () => blog.get(ArticleReader);
  let jake: Actor;
  let anna: Actor;
  let ben: Actor;
  /** jake's slugs, newest first. */
  let jakesSlugs: string[];
  let bensFavorites: string[];

  beforeAll(async () => {
    [jake, anna, ben] = await blog.registeredActors('jake', 'anna', 'ben');
    jakesSlugs = [];
    for (let i = 0; i < 25; i += 1) {
      const article = await blog.rpc(BlogRpc.createArticle, {
        ...jake,
        article: {
          title: `Jake's article ${i}`,
          description: 'Plain',
          body: 'Nothing to see',
          tagList: i % 3 === 0 ? ['dragons', `n${i}`] : [`n${i}`],
        },
      });
      jakesSlugs.unshift(article.slug);
    }
    for (let i = 0; i < 5; i += 1) {
      await blog.rpc(BlogRpc.createArticle, {
        ...anna,
        article: { title: `Anna ${i}`, description: 'D', body: 'B', tagList: ['dragons'] },
      });
    }
    const favorites = blog.get(FavoritesService);
    bensFavorites = jakesSlugs.filter((_, i) => [0, 3, 4, 6].includes(i));
    for (const slug of bensFavorites) await favorites.favorite({ ...ben, slug });
    await blog.get(ProfilesService).follow({ ...ben, target: anna.username });
  });

  const list = (filter: Record<string, unknown> = {}, viewerId: string | null = null) =>
    blog.rpc(BlogRpc.listArticles, { viewerId, limit: 20, offset: 0, ...filter });

  it('pages newest first; articlesCount counts every match, not the page', async () => {
    const first = await list();
    expect(first.articlesCount).toBe(30);
    expect(first.articles).toHaveLength(20);
    const second = await list({ offset: 20 });
    expect(second.articles).toHaveLength(10);
    const all = [...first.articles, ...second.articles];
    expect(new Set(all.map((article) => article.slug)).size).toBe(30);
    const times = all.map((article) => Date.parse(article.createdAt));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect((await list({ offset: 1000 })).articles).toEqual([]);
  });

  it('leaves the count out when asked to, and gives the same page', async () => {
    const counted = await list({ limit: 5, offset: 5 });
    const uncounted = await list({ limit: 5, offset: 5, withCount: false });
    expect(uncounted).toEqual({ articles: counted.articles });
  });

  it('leaves the body out of list items', async () => {
    const { articles } = await list({ limit: 1 });
    expect(articles[0]).not.toHaveProperty('body');
    expect(Object.keys(articles[0] ?? {}).sort()).toEqual([
      'author',
      'createdAt',
      'description',
      'favorited',
      'favoritesCount',
      'slug',
      'tagList',
      'title',
      'updatedAt',
    ]);
  });

  it('filters by author and by tag, alone and combined', async () => {
    const byJake = await list({ author: jake.username, limit: 5 });
    expect(byJake.articlesCount).toBe(25);
    expect(byJake.articles.map((article) => article.slug)).toEqual(jakesSlugs.slice(0, 5));
    expect((await list({ tag: 'dragons' })).articlesCount).toBe(14);
    const combined = await list({ tag: 'dragons', author: jake.username, limit: 3, offset: 3 });
    expect(combined.articlesCount).toBe(9);
    expect(combined.articles.map((article) => article.slug)).toEqual(
      jakesSlugs.filter((_, i) => (24 - i) % 3 === 0).slice(3, 6),
    );
  });

  it('filters by who favorited, combined with other filters, and flags the viewer’s favorites', async () => {
    const favorited = await list({ favorited: ben.username.toUpperCase() }, ben.viewerId);
    expect(favorited.articlesCount).toBe(4);
    expect(favorited.articles.map((article) => article.slug)).toEqual(bensFavorites);
    expect(favorited.articles.every((article) => article.favorited)).toBe(true);
    const anonymous = await list({ favorited: ben.username });
    expect(anonymous.articles.every((article) => !article.favorited)).toBe(true);
    expect((await list({ favorited: ben.username, tag: 'dragons' })).articlesCount).toBe(
      bensFavorites.filter((slug) => (24 - jakesSlugs.indexOf(slug)) % 3 === 0).length,
    );
  });

  it('gives an empty list for an unknown author or favoriter', async () => {
    expect(await list({ author: 'nobody' })).toEqual({ articles: [], articlesCount: 0 });
    expect(await list({ favorited: 'nobody' })).toEqual({ articles: [], articlesCount: 0 });
    expect(await list({ tag: 'no-such-tag' })).toEqual({ articles: [], articlesCount: 0 });
  });

  it('shows following from the viewer’s point of view', async () => {
    const annas = await list({ author: anna.username }, ben.viewerId);
    expect(annas.articles.every((article) => article.author.following)).toBe(true);
    const asJake = await list({ author: anna.username }, jake.viewerId);
    expect(asJake.articles.every((article) => !article.author.following)).toBe(true);
  });

  it('feeds a reader the articles of the authors they follow, newest first', async () => {
    const feed = await reader().feed({ viewerId: ben.viewerId, limit: 3, offset: 0 });
    expect(feed.articlesCount).toBe(5);
    expect(feed.articles.map((article) => article.title)).toEqual(['Anna 4', 'Anna 3', 'Anna 2']);
    expect(
      (await reader().feed({ viewerId: ben.viewerId, limit: 3, offset: 3 })).articles,
    ).toHaveLength(2);
    expect(await reader().feed({ viewerId: jake.viewerId, limit: 20, offset: 0 })).toEqual({
      articles: [],
      articlesCount: 0,
    });
  });

  it('refuses a page out of bounds with 422', async () => {
    expect((await failureOf(list({ limit: 101 }))).errors).toHaveProperty('limit');
    expect((await failureOf(list({ offset: -5 }))).errors).toHaveProperty('offset');
    expect(
      (await failureOf(blog.rpc(BlogRpc.feed, { viewerId: ben.viewerId, limit: 0, offset: 0 })))
        .status,
    ).toBe(422);
    const beyond = BlogRules.listOffsetMax + 1;
    for (const refused of [
      list({ offset: beyond }),
      blog.rpc(BlogRpc.feed, { viewerId: ben.viewerId, limit: 20, offset: beyond }),
    ]) {
      const failure = await failureOf(refused);
      expect([failure.status, Object.keys(failure.errors)]).toEqual([422, ['offset']]);
    }
  });

  describe('full-text search', () => {
    let bodyOnly: string;
    let inTitle: string;
    let inDescription: string;

    beforeAll(async () => {
      const write = async (title: string, description: string, body: string) =>
        (await blog.rpc(BlogRpc.createArticle, { ...anna, article: { title, description, body } }))
          .slug;
      // Written best match last, so only ranking can put it first.
      bodyOnly = await write('Cooking notes', 'Weekday dinners', 'A word on the quokka at last.');
      inDescription = await write('Travel notes', 'Meeting a quokka', 'Rottnest island.');
      inTitle = await write('The happy quokka', 'Animals', 'Small marsupials smile.');
    });

    it('ranks title matches over description over body matches', async () => {
      const found = await list({ q: 'quokka' });
      expect(found.articlesCount).toBe(3);
      expect(found.articles.map((article) => article.slug)).toEqual([
        inTitle,
        inDescription,
        bodyOnly,
      ]);
    });

    it('stems words, combines with filters and pages like any list', async () => {
      expect((await list({ q: 'smiling marsupial' })).articles.map((a) => a.slug)).toEqual([
        inTitle,
      ]);
      expect((await list({ q: 'quokka', author: jake.username })).articlesCount).toBe(0);
      const page = await list({ q: 'quokka', limit: 1, offset: 1 });
      expect(page.articlesCount).toBe(3);
      expect(page.articles.map((article) => article.slug)).toEqual([inDescription]);
    });

    it('takes any text as a query: quotes, operators, SQL and stop words never fail', async () => {
      for (const q of [
        "'; DROP TABLE articles; --",
        'quokka & | ! ( ) :* <->',
        '"the happy" -cooking',
        'the and of',
        '日本語 ☃',
      ]) {
        const result = await list({ q });
        expect(result.articlesCount).toBe(result.articles.length);
      }
      expect((await list({ q: '"happy quokka" -cooking' })).articles.map((a) => a.slug)).toEqual([
        inTitle,
      ]);
    });
  });
});
