import { Controller, Logger, UseInterceptors } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { BlogEvents } from '@capstone/contracts';
import { BrokerCorrelationInterceptor, EventAckInterceptor } from '@capstone/messaging';
import { z } from 'zod';
import { BlogCacheInvalidation } from './blog-cache-invalidation.js';

// Tolerant readers: only the fields invalidation needs, so the blog may add others freely.
const articleEvent = z.object({
  data: z.object({ slug: z.string(), previousSlug: z.string().optional() }),
});
const articleSlugEvent = z.object({ data: z.object({ articleSlug: z.string() }) });
const authorEvent = z.object({ data: z.object({ userId: z.string() }) });

/**
 * Invalidates the cache when the blog announces a change. The gateway already invalidates right
 * after the writes it forwards; these events cover changes that did not pass through it, and
 * evict a second time in case a read that was under way during the write cached the old answer.
 * Invalidation is idempotent, so a repeated event does no harm.
 */
@Controller()
@UseInterceptors(BrokerCorrelationInterceptor, EventAckInterceptor)
export class CacheEventsController {
  private readonly logger = new Logger(CacheEventsController.name);

  constructor(private readonly invalidation: BlogCacheInvalidation) {}

  @EventPattern(BlogEvents.articleCreated.name)
  @EventPattern(BlogEvents.articleUpdated.name)
  async articleChanged(@Payload() payload: unknown): Promise<void> {
    const event = this.read(articleEvent, payload);
    if (event) await this.invalidation.articleChanged(event.data.slug, event.data.previousSlug);
  }

  @EventPattern(BlogEvents.articleDeleted.name)
  async articleDeleted(@Payload() payload: unknown): Promise<void> {
    const event = this.read(articleEvent, payload);
    if (event) await this.invalidation.articleDeleted(event.data.slug);
  }

  @EventPattern(BlogEvents.articleFavorited.name)
  @EventPattern(BlogEvents.articleUnfavorited.name)
  async favoritesChanged(@Payload() payload: unknown): Promise<void> {
    const event = this.read(articleSlugEvent, payload);
    if (event) await this.invalidation.favoritesChanged(event.data.articleSlug);
  }

  @EventPattern(BlogEvents.commentCreated.name)
  @EventPattern(BlogEvents.commentDeleted.name)
  async commentsChanged(@Payload() payload: unknown): Promise<void> {
    const event = this.read(articleSlugEvent, payload);
    if (event) await this.invalidation.commentsChanged(event.data.articleSlug);
  }

  @EventPattern(BlogEvents.authorUpdated.name)
  async authorChanged(@Payload() payload: unknown): Promise<void> {
    if (this.read(authorEvent, payload)) await this.invalidation.authorChanged();
  }

  /** A malformed event cannot become well-formed by retrying: it is logged and acknowledged. */
  private read<T>(schema: z.ZodType<T>, payload: unknown): T | undefined {
    const result = schema.safeParse(payload);
    if (!result.success) this.logger.error({ msg: 'malformed event dropped', payload });
    return result.success ? result.data : undefined;
  }
}
