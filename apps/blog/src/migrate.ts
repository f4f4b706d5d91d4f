import 'reflect-metadata';
import { blogDataSourceOptions, loadBlogConfig } from '@capstone/blog-feature';
import { JsonLogger } from '@capstone/logging';
import { DataSource } from 'typeorm';

/** Applies pending migrations to the blog database and exits: the deploy step before new pods start. */
const logger = new JsonLogger('blog');
try {
  const config = loadBlogConfig();
  const dataSource = await new DataSource(
    blogDataSourceOptions(config.DATABASE_URL, false),
  ).initialize();
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  logger.log(
    { msg: 'migrations applied', migrations: applied.map((migration) => migration.name) },
    'Migrate',
  );
  await dataSource.destroy();
} catch (error) {
  logger.error(error instanceof Error ? error.message : String(error), 'Migrate');
  process.exit(1);
}
