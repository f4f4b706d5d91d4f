/*
 * What the shared settings of `@capstone/config` give with no variables set, written out once for
 * the config specs: each app's spec spreads the fragments its schema spreads and spells out only
 * what is its own, so a shared default changes in one place.
 */
export const laptopDefaults = {
  service: (port: number) => ({
    NODE_ENV: 'development',
    LOG_LEVEL: 'info',
    PORT: port,
    AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
  }),
  postgres: (database: string) => ({
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${database}`,
    MIGRATIONS_RUN: true,
  }),
  redis: (keyPrefix: string) => ({
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_KEY_PREFIX: keyPrefix,
  }),
  brokerRequests: { BROKER_TIMEOUT_MS: 5_000 },
  eventConsumer: {
    EVENT_HANDLER_TIMEOUT_MS: 30_000,
    EVENT_MAX_ATTEMPTS: 5,
    EVENT_RETRY_DELAY_MS: 10_000,
  },
  accessTokens: {
    JWT_ISSUER: 'capstone-auth',
    JWT_AUDIENCE: 'capstone',
    ACCESS_TOKEN_TTL_SECONDS: 900,
  },
};
