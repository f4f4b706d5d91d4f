import { defaultEventRetryPolicy } from '@capstone/contracts';
import { z } from 'zod';
import { env } from './env-types.js';

/*
 * Settings that several apps read, each written once: an app's schema spreads the fragments it
 * needs (`z.object({ ...serviceSettings(3002), ...postgresSettings('blog') })`), so the same
 * variable has the same rule, default and error message in every app.
 */

/** The RabbitMQ a process connects to, as the user its URL names. */
export const brokerSettings = {
  AMQP_URL: env.url(['amqp', 'amqps'], 'amqp://guest:guest@127.0.0.1:5672'),
};

/** What every service reads: how it runs, how much it logs, its HTTP port and the broker. */
export const serviceSettings = (port: number) => ({
  NODE_ENV: env.nodeEnv(),
  LOG_LEVEL: env.logLevel(),
  PORT: env.port(port),
  ...brokerSettings,
});

/** For a service that sends requests over the broker: how long it waits for a reply. */
export const brokerRequestSettings = {
  BROKER_TIMEOUT_MS: env.positiveInt(5_000),
};

/**
 * For a service that consumes events: how long a handler may run before it counts as failed, how
 * many times a failing event is handled in all, and how long it waits between two attempts. An
 * event that failed every attempt goes to the queue's dead-letter queue (`<queue>.dead`).
 */
export const eventConsumerSettings = {
  EVENT_HANDLER_TIMEOUT_MS: env.positiveInt(defaultEventRetryPolicy.handlerTimeoutMs),
  EVENT_MAX_ATTEMPTS: env.positiveInt(defaultEventRetryPolicy.maxAttempts),
  EVENT_RETRY_DELAY_MS: env.positiveInt(defaultEventRetryPolicy.retryDelayMs),
};

/** The Redis a service shares with others: every key and channel it uses starts with the prefix. */
export const redisSettings = (keyPrefix: string) => ({
  REDIS_URL: env.url(['redis', 'rediss'], 'redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().default(keyPrefix),
});

/**
 * The access tokens the auth service signs and the other services verify; they must agree. The
 * lifetime is also how long a verifier remembers a revoked session.
 */
export const accessTokenSettings = {
  JWT_ISSUER: z.string().default('capstone-auth'),
  JWT_AUDIENCE: z.string().default('capstone'),
  ACCESS_TOKEN_TTL_SECONDS: env.positiveInt(900),
};

/**
 * A service's own PostgreSQL database. `MIGRATIONS_RUN` applies pending migrations at start-up;
 * left unset, `withMigrationsDefault` decides from `NODE_ENV`.
 */
export const postgresSettings = (database: string) => ({
  DATABASE_URL: env.url(
    ['postgres', 'postgresql'],
    `postgres://postgres@127.0.0.1:5432/${database}`,
  ),
  MIGRATIONS_RUN: env.flag().optional(),
});

/**
 * What a `migrate` one-shot reads: the database alone, so that it never needs a service's
 * secrets (the auth service's signing key).
 */
export const migrationConfigSchema = (database: string) =>
  z.object({ NODE_ENV: env.nodeEnv(), LOG_LEVEL: env.logLevel(), ...postgresSettings(database) });

/**
 * What the broker's one-shots read (`broker-topology`, `dlq-replay`): the broker alone, as a user
 * allowed to declare queues and bindings (compose: `capstone-admin`).
 */
export const brokerAdminConfigSchema = z.object({
  NODE_ENV: env.nodeEnv(),
  LOG_LEVEL: env.logLevel(),
  ...brokerSettings,
});

interface MigrationChoice {
  readonly NODE_ENV: 'development' | 'test' | 'production';
  readonly MIGRATIONS_RUN?: boolean | undefined;
}

/** Migrations run at start-up unless in production, which runs `migrate` as its own step. */
export function withMigrationsDefault<TConfig extends MigrationChoice>(
  config: TConfig,
): Omit<TConfig, 'MIGRATIONS_RUN'> & { readonly MIGRATIONS_RUN: boolean } {
  return { ...config, MIGRATIONS_RUN: config.MIGRATIONS_RUN ?? config.NODE_ENV !== 'production' };
}
