import { Module } from '@nestjs/common';
import { ServiceDatabaseModule } from '@capstone/persistence';
import { ArticlesModule } from './articles/articles.module.js';
import { AuthorsModule } from './authors/authors.module.js';
import { BLOG_CONFIG } from './blog.config.js';
import { CommentsModule } from './comments/comments.module.js';
import { UserEventsController } from './events/user-events.controller.js';
import { blogDataSourceOptions } from './persistence/blog-data-source.js';
import { ProfilesModule } from './profiles/profiles.module.js';
import { BlogRpcController } from './rpc/blog-rpc.controller.js';

/** The RealWorld blog, answering `blog.rpc` and fed by the auth service's user events. */
@Module({
  imports: [
    ServiceDatabaseModule.forRoot({ configToken: BLOG_CONFIG, dataSource: blogDataSourceOptions }),
    AuthorsModule,
    ProfilesModule,
    ArticlesModule,
    CommentsModule,
  ],
  controllers: [BlogRpcController, UserEventsController],
})
export class BlogServiceModule {}
