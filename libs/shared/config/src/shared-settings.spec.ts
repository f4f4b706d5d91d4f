import { laptopDefaults, thrownBy } from '@capstone/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig } from './load-config.js';
import {
  accessTokenSettings,
  brokerRequestSettings,
  eventConsumerSettings,
  postgresSettings,
  redisSettings,
  serviceSettings,
  withMigrationsDefault,
} from './shared-settings.js';

const schema = z
  .object({
    ...serviceSettings(3100),
    ...postgresSettings('things'),
    ...redisSettings('capstone:things:'),
    ...brokerRequestSettings,
    ...eventConsumerSettings,
    ...accessTokenSettings,
  })
  .transform(withMigrationsDefault);

const problemsOf = (environment: NodeJS.ProcessEnv) =>
  thrownBy(ConfigError, () => loadConfig(schema, environment)).problems;

describe('the shared settings', () => {
  it('give an app that spreads them the local defaults, with its own port, database and key prefix', () => {
    expect(loadConfig(schema, {})).toEqual({
      ...laptopDefaults.service(3100),
      ...laptopDefaults.postgres('things'),
      ...laptopDefaults.redis('capstone:things:'),
      ...laptopDefaults.brokerRequests,
      ...laptopDefaults.eventConsumer,
      ...laptopDefaults.accessTokens,
    });
  });

  it('leave migrations to their own step in production, unless MIGRATIONS_RUN says otherwise', () => {
    expect(loadConfig(schema, { NODE_ENV: 'production' }).MIGRATIONS_RUN).toBe(false);
    expect(loadConfig(schema, { NODE_ENV: 'production', MIGRATIONS_RUN: 'true' })).toMatchObject({
      MIGRATIONS_RUN: true,
    });
    expect(loadConfig(schema, { MIGRATIONS_RUN: 'false' }).MIGRATIONS_RUN).toBe(false);
  });

  it('name each wrong variable and say what is wrong', () => {
    expect(
      problemsOf({
        AMQP_URL: 'http://rabbitmq',
        DATABASE_URL: 'mysql://db/things',
        MIGRATIONS_RUN: 'yes',
        REDIS_URL: 'http://redis',
        BROKER_TIMEOUT_MS: '0',
        EVENT_MAX_ATTEMPTS: '0',
      }),
    ).toEqual([
      'AMQP_URL: must be a URL with protocol amqp or amqps',
      'DATABASE_URL: must be a URL with protocol postgres or postgresql',
      'MIGRATIONS_RUN: Invalid option: expected one of "true"|"false"',
      'REDIS_URL: must be a URL with protocol redis or rediss',
      'BROKER_TIMEOUT_MS: Too small: expected number to be >0',
      'EVENT_MAX_ATTEMPTS: Too small: expected number to be >0',
    ]);
  });
});
