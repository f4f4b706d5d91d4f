import { Module } from '@nestjs/common';
import { BlogCacheInvalidation } from './blog-cache-invalidation.js';
import { CacheEventsController } from './cache-events.controller.js';
import { ResponseCache } from './response-cache.js';

/** The cache of the blog's public reads, and its invalidation after writes and on the blog's events. */
@Module({
  controllers: [CacheEventsController],
  providers: [ResponseCache, BlogCacheInvalidation],
  exports: [ResponseCache, BlogCacheInvalidation],
})
export class ResponseCacheModule {}
