import { Injectable } from '@nestjs/common';
import { BlogCacheKeys } from './blog-cache-keys.js';
import { ResponseCache } from './response-cache.js';

/**
 * What each kind of change makes stale. Article lists cannot know which of them contain an article,
 * so any change to what lists show bumps the lists generation; single entries are evicted by key;
 * the pages of an article's comments, which a new comment all shifts, are dropped as a group.
 * Called by the gateway right after its own writes (so the next read is fresh) and again when the
 * blog's events arrive (for changes that did not pass through this gateway).
 */
@Injectable()
export class BlogCacheInvalidation {
  constructor(private readonly cache: ResponseCache) {}

  async articleChanged(slug: string, previousSlug?: string): Promise<void> {
    const slugs = previousSlug && previousSlug !== slug ? [slug, previousSlug] : [slug];
    await this.cache.evict(...slugs.map(BlogCacheKeys.article), BlogCacheKeys.tags());
    await Promise.all(slugs.map((each) => this.cache.dropGroup(BlogCacheKeys.commentThread(each))));
    await this.cache.bump('lists');
  }

  async articleDeleted(slug: string): Promise<void> {
    await this.articleChanged(slug);
  }

  async favoritesChanged(slug: string): Promise<void> {
    await this.cache.evict(BlogCacheKeys.article(slug));
    await this.cache.bump('lists');
  }

  async commentsChanged(slug: string): Promise<void> {
    await this.cache.dropGroup(BlogCacheKeys.commentThread(slug));
  }

  /** A profile shows on every article and comment of its author: start over. */
  async authorChanged(): Promise<void> {
    await this.cache.bump('content');
  }
}
