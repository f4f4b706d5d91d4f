import { describe, expect, it } from 'vitest';
import { ConfigError } from '@capstone/config';
import { thrownBy } from '@capstone/testing';
import { loadBlogConfig } from './blog.config.js';

describe('loadBlogConfig', () => {
  it('runs on a laptop with no variables set', () => {
    expect(loadBlogConfig({})).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      PORT: 3002,
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/blog',
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      MIGRATIONS_RUN: true,
    });
  });

  it('leaves migrations to their own step in production unless told otherwise', () => {
    expect(loadBlogConfig({ NODE_ENV: 'production' }).MIGRATIONS_RUN).toBe(false);
    expect(loadBlogConfig({ NODE_ENV: 'production', MIGRATIONS_RUN: 'true' }).MIGRATIONS_RUN).toBe(
      true,
    );
  });

  it('names each wrong variable', () => {
    const { problems } = thrownBy(ConfigError, () =>
      loadBlogConfig({ DATABASE_URL: 'mysql://db/blog', PORT: 'x' }),
    );
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(['PORT', 'DATABASE_URL']);
  });
});
