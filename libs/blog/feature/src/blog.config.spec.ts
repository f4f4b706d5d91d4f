import { describe, expect, it } from 'vitest';
import { ConfigError } from '@capstone/config';
import { laptopDefaults, thrownBy } from '@capstone/testing';
import { loadBlogConfig } from './blog.config.js';

describe('loadBlogConfig', () => {
  it('runs on a laptop with no variables set', () => {
    expect(loadBlogConfig({})).toEqual({
      ...laptopDefaults.service(3002),
      ...laptopDefaults.postgres('blog'),
      ...laptopDefaults.eventConsumer,
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
