import { thrownBy } from '@capstone/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { env } from './env-types.js';
import { ConfigError, loadConfig } from './load-config.js';

const schema = z.object({
  PORT: env.port(3000),
  DATABASE_URL: env.url(['postgres', 'postgresql']),
  CORS_ORIGINS: env.csv('http://localhost:3000'),
});

const problemsOf = (run: () => unknown) => thrownBy(ConfigError, run).problems;

describe('loadConfig', () => {
  it('returns typed values with defaults applied', () => {
    const config = loadConfig(schema, { DATABASE_URL: 'postgres://localhost/app' });
    expect(config).toEqual({
      PORT: 3000,
      DATABASE_URL: 'postgres://localhost/app',
      CORS_ORIGINS: ['http://localhost:3000'],
    });
  });

  it('coerces numbers and splits lists', () => {
    const config = loadConfig(schema, {
      PORT: '8080',
      DATABASE_URL: 'postgresql://db/app',
      CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(config.PORT).toBe(8080);
    expect(config.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
  });

  it('names a missing variable, treating a blank value as missing', () => {
    expect(problemsOf(() => loadConfig(schema, {}))).toEqual([
      'DATABASE_URL is required but not set',
    ]);
    expect(problemsOf(() => loadConfig(schema, { DATABASE_URL: '  ' }))).toEqual([
      'DATABASE_URL is required but not set',
    ]);
  });

  it('names each malformed variable and says what is wrong', () => {
    const problems = problemsOf(() =>
      loadConfig(schema, { PORT: '70000', DATABASE_URL: 'mysql://localhost/app' }),
    );
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^PORT: /);
    expect(problems[1]).toBe('DATABASE_URL: must be a URL with protocol postgres or postgresql');
  });

  it('puts every problem in the error message', () => {
    expect(() => loadConfig(schema, { PORT: 'abc' })).toThrow(
      /PORT: .*\n.*DATABASE_URL is required/s,
    );
  });
});
