import { OutboxMessage, outboxMigrations } from '@capstone/outbox';
import { postgresDataSourceOptions } from '@capstone/persistence';
import type { DataSourceOptions } from 'typeorm';
import { ArticleEntity } from './article.entity.js';
import { AuthorEntity } from './author.entity.js';
import { CommentEntity } from './comment.entity.js';
import { FavoriteEntity } from './favorite.entity.js';
import { FollowEntity } from './follow.entity.js';
import { CreateBlog1765000000001 } from './migrations/1765000000001-create-blog.js';

/** Everything TypeORM needs for the blog database. The schema changes only through these migrations. */
export function blogDataSourceOptions(
  databaseUrl: string,
  migrationsRun: boolean,
): DataSourceOptions {
  return postgresDataSourceOptions(
    databaseUrl,
    {
      entities: [
        AuthorEntity,
        FollowEntity,
        ArticleEntity,
        FavoriteEntity,
        CommentEntity,
        OutboxMessage,
      ],
      migrations: [...outboxMigrations, CreateBlog1765000000001],
    },
    migrationsRun,
  );
}
