import {
  BlogEvents,
  type ArticleEventData,
  type AuthorEventData,
  type CommentEventData,
  type EventEnvelope,
  type FavoriteEventData,
} from '@capstone/contracts';
import { EventController, OnEvent } from '@capstone/messaging';
import { BlogCacheInvalidation } from './blog-cache-invalidation.js';

/**
 * Invalidates the cache when the blog announces a change. The gateway already invalidates right
 * after the writes it forwards; these events cover changes that did not pass through it, and
 * evict a second time in case a read that was under way during the write cached the old answer.
 * Invalidation is idempotent, so a repeated event does no harm.
 */
@EventController()
export class CacheEventsController {
  constructor(private readonly invalidation: BlogCacheInvalidation) {}

  @OnEvent(BlogEvents.articleCreated, BlogEvents.articleUpdated)
  async articleChanged({ data }: EventEnvelope<ArticleEventData>): Promise<void> {
    await this.invalidation.articleChanged(data.slug, data.previousSlug);
  }

  @OnEvent(BlogEvents.articleDeleted)
  async articleDeleted({ data }: EventEnvelope<ArticleEventData>): Promise<void> {
    await this.invalidation.articleDeleted(data.slug);
  }

  @OnEvent(BlogEvents.articleFavorited, BlogEvents.articleUnfavorited)
  async favoritesChanged({ data }: EventEnvelope<FavoriteEventData>): Promise<void> {
    await this.invalidation.favoritesChanged(data.articleSlug);
  }

  @OnEvent(BlogEvents.commentCreated, BlogEvents.commentDeleted)
  async commentsChanged({ data }: EventEnvelope<CommentEventData>): Promise<void> {
    await this.invalidation.commentsChanged(data.articleSlug);
  }

  @OnEvent(BlogEvents.authorUpdated)
  async authorChanged(_event: EventEnvelope<AuthorEventData>): Promise<void> {
    await this.invalidation.authorChanged();
  }
}
