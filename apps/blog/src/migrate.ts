import 'reflect-metadata';
import { blogDataSourceOptions, loadBlogConfig } from '@capstone/blog-feature';
import { applyMigrations } from '@capstone/persistence';

await applyMigrations('blog', () => blogDataSourceOptions(loadBlogConfig().DATABASE_URL, false));
