import 'reflect-metadata';
import { blogDataSourceOptions, blogMigrationConfigSchema } from '@capstone/blog-feature';
import { loadConfig } from '@capstone/config';
import { applyMigrations } from '@capstone/persistence';

await applyMigrations('blog', () =>
  blogDataSourceOptions(loadConfig(blogMigrationConfigSchema).DATABASE_URL, false),
);
