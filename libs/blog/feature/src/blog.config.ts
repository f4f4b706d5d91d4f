import { env, loadConfig } from '@capstone/config';
import { z } from 'zod';

const booleanFlag = z.enum(['true', 'false']).transform((value) => value === 'true');

export const blogConfigSchema = z
  .object({
    NODE_ENV: env.nodeEnv(),
    LOG_LEVEL: env.logLevel(),
    /** The HTTP listener serves health probes only; requests and events arrive over RabbitMQ. */
    PORT: env.port(3002),
    DATABASE_URL: env.url(['postgres', 'postgresql'], 'postgres://postgres@127.0.0.1:5432/blog'),
    AMQP_URL: env.url(['amqp', 'amqps'], 'amqp://guest:guest@127.0.0.1:5672'),
    /** Applies pending migrations at start-up; production runs `migrate` as its own step instead. */
    MIGRATIONS_RUN: booleanFlag.optional(),
  })
  .transform((config) => ({
    ...config,
    MIGRATIONS_RUN: config.MIGRATIONS_RUN ?? config.NODE_ENV !== 'production',
  }));

export type BlogConfig = z.infer<typeof blogConfigSchema>;

export function loadBlogConfig(environment: NodeJS.ProcessEnv = process.env): BlogConfig {
  return loadConfig(blogConfigSchema, environment);
}

export const BLOG_CONFIG = Symbol('BLOG_CONFIG');
