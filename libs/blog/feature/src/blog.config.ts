import {
  eventConsumerSettings,
  loadConfig,
  migrationConfigSchema,
  postgresSettings,
  serviceSettings,
  withMigrationsDefault,
} from '@capstone/config';
import { z } from 'zod';

export const blogConfigSchema = z
  .object({
    /** The HTTP listener serves health probes only; requests and events arrive over RabbitMQ. */
    ...serviceSettings(3002),
    ...postgresSettings('blog'),
    /** How the `blog.events` consumer retries a failing event before dead-lettering it. */
    ...eventConsumerSettings,
  })
  .transform(withMigrationsDefault);

export type BlogConfig = z.infer<typeof blogConfigSchema>;

export function loadBlogConfig(environment: NodeJS.ProcessEnv = process.env): BlogConfig {
  return loadConfig(blogConfigSchema, environment);
}

export const BLOG_CONFIG = Symbol('BLOG_CONFIG');

/** What `migrate` reads: the database only. */
export const blogMigrationConfigSchema = migrationConfigSchema('blog');
