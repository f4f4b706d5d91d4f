import { Module, type DynamicModule } from '@nestjs/common';
import { HealthController } from '@capstone/health';
import { ServiceDatabaseModule } from '@capstone/persistence';
import { ArticlesModule } from './articles/articles.module.js';
import { AuthorsModule } from './authors/authors.module.js';
import type { BlogConfig } from './blog.config.js';
import { CommentsModule } from './comments/comments.module.js';
import { UserEventsController } from './events/user-events.controller.js';
import { blogDataSourceOptions } from './persistence/blog-data-source.js';
import { ProfilesModule } from './profiles/profiles.module.js';
import { BlogRpcController } from './rpc/blog-rpc.controller.js';

@Module({})
export class BlogServiceModule {
  static forRoot(config: BlogConfig): DynamicModule {
    return {
      module: BlogServiceModule,
      imports: [
        ServiceDatabaseModule.forRoot(
          blogDataSourceOptions(config.DATABASE_URL, config.MIGRATIONS_RUN),
          { amqpUrl: config.AMQP_URL },
        ),
        AuthorsModule,
        ProfilesModule,
        ArticlesModule,
        CommentsModule,
      ],
      controllers: [BlogRpcController, UserEventsController, HealthController],
    };
  }
}
