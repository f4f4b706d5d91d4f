import {
  accessTokenSettings,
  env,
  loadConfig,
  postgresSettings,
  serviceSettings,
  withMigrationsDefault,
} from '@capstone/config';
import { z } from 'zod';

export const authConfigSchema = z
  .object({
    /** The HTTP listener serves health probes only; requests arrive over RabbitMQ. */
    ...serviceSettings(3001),
    ...postgresSettings('auth'),
    /** PKCS#8 PEM of the P-256 key that signs access tokens. */
    JWT_PRIVATE_KEY: z.string().optional(),
    ...accessTokenSettings,
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
    ...withMigrationsDefault(config),
    JWT_PRIVATE_KEY: config.JWT_PRIVATE_KEY?.replace(/\\n/g, '\n'),
  }));

export type AuthConfig = z.infer<typeof authConfigSchema>;

export function loadAuthConfig(environment: NodeJS.ProcessEnv = process.env): AuthConfig {
  return loadConfig(authConfigSchema, environment);
}

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');
