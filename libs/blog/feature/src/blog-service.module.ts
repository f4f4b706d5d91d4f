import { Module, type DynamicModule } from '@nestjs/common';
import { HealthController, healthIndicators, type HealthIndicator } from '@capstone/health';
import { OutboxRelay } from '@capstone/messaging';
import { DataSource } from 'typeorm';
import { ArticlesModule } from './articles/articles.module.js';
import { AuthorsModule } from './authors/authors.module.js';
import type { BlogConfig } from './blog.config.js';
import { CommentsModule } from './comments/comments.module.js';
import { UserEventsController } from './events/user-events.controller.js';
import { PersistenceModule } from './persistence/persistence.module.js';
import { ProfilesModule } from './profiles/profiles.module.js';
import { BlogRpcController } from './rpc/blog-rpc.controller.js';

@Module({})
export class BlogServiceModule {
  static forRoot(config: BlogConfig): DynamicModule {
    return {
      module: BlogServiceModule,
      imports: [
        PersistenceModule.forRoot(config),
        AuthorsModule,
        ProfilesModule,
        ArticlesModule,
        CommentsModule,
      ],
      controllers: [BlogRpcController, UserEventsController, HealthController],
      providers: [
        healthIndicators({
          inject: [DataSource, OutboxRelay],
          useFactory: (dataSource: DataSource, relay: OutboxRelay): HealthIndicator[] => [
            {
              name: 'postgres',
              critical: true,
              check: async () => void (await dataSource.query('SELECT 1')),
            },
            {
              name: 'rabbitmq',
              critical: true,
              check: async () => {
                if (!relay.connected) throw new Error('no open connection to RabbitMQ');
              },
            },
          ],
        }),
      ],
    };
  }
}
