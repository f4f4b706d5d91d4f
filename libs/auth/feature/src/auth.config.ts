import { env, loadConfig } from '@capstone/config';
import { z } from 'zod';

const booleanFlag = z.enum(['true', 'false']).transform((value) => value === 'true');

export const authConfigSchema = z
  .object({
    NODE_ENV: env.nodeEnv(),
    LOG_LEVEL: env.logLevel(),
    /** The HTTP listener serves health probes only; requests arrive over RabbitMQ. */
    PORT: env.port(3001),
    DATABASE_URL: env.url(['postgres', 'postgresql'], 'postgres://postgres@127.0.0.1:5432/auth'),
    AMQP_URL: env.url(['amqp', 'amqps'], 'amqp://guest:guest@127.0.0.1:5672'),
    /** Applies pending migrations at start-up; production runs `migrate` as its own step instead. */
    MIGRATIONS_RUN: booleanFlag.optional(),
    /** PKCS#8 PEM of the P-256 key that signs access tokens. */
    JWT_PRIVATE_KEY: z.string().optional(),
    JWT_ISSUER: z.string().default('capstone-auth'),
    JWT_AUDIENCE: z.string().default('capstone'),
    ACCESS_TOKEN_TTL_SECONDS: env.positiveInt(900),
    REFRESH_TOKEN_TTL_DAYS: env.positiveInt(30),
    /** argon2id cost: OWASP's minimum is 19 MiB and 2 passes. */
    ARGON2_MEMORY_KIB: z.coerce.number().int().min(8_192).default(19_456),
    ARGON2_TIME_COST: z.coerce.number().int().min(1).default(2),
  })
  .superRefine((config, context) => {
    if (config.NODE_ENV === 'production' && !config.JWT_PRIVATE_KEY) {
      context.addIssue({
        code: 'custom',
        path: ['JWT_PRIVATE_KEY'],
        message:
          'is required in production (a PKCS#8 PEM P-256 private key; see apps/auth/README.md)',
      });
    }
  })
  .transform((config) => ({
    ...config,
    MIGRATIONS_RUN: config.MIGRATIONS_RUN ?? config.NODE_ENV !== 'production',
    JWT_PRIVATE_KEY: config.JWT_PRIVATE_KEY?.replace(/\\n/g, '\n'),
  }));

export type AuthConfig = z.infer<typeof authConfigSchema>;

export function loadAuthConfig(environment: NodeJS.ProcessEnv = process.env): AuthConfig {
  return loadConfig(authConfigSchema, environment);
}

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');
