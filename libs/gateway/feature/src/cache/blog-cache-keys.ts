import type { ArticleFilter } from '@capstone/contracts';
import type { EntryGroup } from './response-cache.js';

/** A page of a list: how many items at most, after how many. */
export interface Page {
  readonly limit: number;
  readonly offset: number;
}

/** The filters in a fixed order, so `?tag=a&limit=5` and `?limit=5&tag=a` share an entry. */
const filterOf = (filter: ArticleFilter) => [
  filter.tag ?? null,
  filter.author ?? null,
  filter.favorited ?? null,
  filter.q ?? null,
];

/** Cache keys of the blog's public reads. One place, so readers and invalidation agree. */
export const BlogCacheKeys = {
  article: (slug: string) => `blog:article:${slug}`,
  profile: (username: string) => `blog:profile:${username}`,
  tags: () => 'blog:tags',
  articles: (filter: ArticleFilter) =>
    `blog:articles:${JSON.stringify([...filterOf(filter), filter.limit, filter.offset])}`,
  /** How many articles match a filter: one entry for all of its pages. */
  articlesCount: (filter: ArticleFilter) =>
    `blog:articles-count:${JSON.stringify(filterOf(filter))}`,
  /** The pages of an article's comments and their count, dropped together when one changes. */
  commentThread: (slug: string): EntryGroup => ({ group: `blog:comments:${slug}` }),
  commentPage: (slug: string, page: Page) =>
    `blog:comments:${JSON.stringify([slug, page.limit, page.offset])}`,
  commentsCount: (slug: string) => `blog:comments-count:${slug}`,
};
