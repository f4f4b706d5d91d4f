import { Module } from '@nestjs/common';
import { ResponseCacheModule } from '../cache/response-cache.module.js';
import { ArticlesController } from './articles.controller.js';
import { BlogReads } from './blog-reads.js';
import { BlogWrites } from './blog-writes.js';
import { CommentsController } from './comments.controller.js';
import { ProfilesController } from './profiles.controller.js';
import { TagsController } from './tags.controller.js';

/** RealWorld's articles, comments, profiles and tags in front of the blog: reads cached, writes invalidating. */
@Module({
  imports: [ResponseCacheModule],
  controllers: [ArticlesController, CommentsController, ProfilesController, TagsController],
  providers: [BlogReads, BlogWrites],
})
export class BlogApiModule {}
