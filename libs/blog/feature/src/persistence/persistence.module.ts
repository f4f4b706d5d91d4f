import { Global, Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OutboxRelay } from '@capstone/messaging';
import { DataSource } from 'typeorm';
import type { BlogConfig } from '../blog.config.js';
import { blogDataSourceOptions } from './blog-data-source.js';
import { OutboxTransactions } from '@capstone/messaging';

/** The database and the outbox relay that publishes the events written to it; every feature uses both. */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(config: BlogConfig): DynamicModule {
    return {
      module: PersistenceModule,
      imports: [
        TypeOrmModule.forRoot(blogDataSourceOptions(config.DATABASE_URL, config.MIGRATIONS_RUN)),
      ],
      providers: [
        {
          provide: OutboxRelay,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) =>
            new OutboxRelay(dataSource, { amqpUrl: config.AMQP_URL }),
        },
        OutboxTransactions,
      ],
      exports: [OutboxRelay, OutboxTransactions],
    };
  }
}
