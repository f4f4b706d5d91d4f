import type { ArticleFilter } from '@capstone/contracts';

/** Cache keys of the blog's public reads. One place, so readers and invalidation agree. */
export const BlogCacheKeys = {
  article: (slug: string) => `blog:article:${slug}`,
  comments: (slug: string) => `blog:comments:${slug}`,
  profile: (username: string) => `blog:profile:${username}`,
  tags: () => 'blog:tags',
  /** Filters in a fixed order, so `?tag=a&limit=5` and `?limit=5&tag=a` share an entry. */
  articles: (filter: ArticleFilter) =>
    `blog:articles:${JSON.stringify([filter.tag ?? null, filter.author ?? null, filter.favorited ?? null, filter.q ?? null, filter.limit, filter.offset])}`,
};
