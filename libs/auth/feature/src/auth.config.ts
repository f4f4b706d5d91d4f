import {
  accessTokenSettings,
  env,
  loadConfig,
  migrationConfigSchema,
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
    /** PKCS#8 PEM of the P-256 key that signs access tokens, or the path of a file holding it. */
    JWT_PRIVATE_KEY: z.string().optional(),
    JWT_PRIVATE_KEY_FILE: z.string().optional(),
    /**
     * PEM public keys the JWKS publishes besides the signing key's: the previous key for an access
     * token's lifetime after a rotation, or the next one ahead of it (see apps/auth/README.md).
     */
    JWT_EXTRA_PUBLIC_KEYS: z.string().optional(),
    ...accessTokenSettings,
    REFRESH_TOKEN_TTL_DAYS: env.positiveInt(30),
    /** How long a refresh token it replaced is honoured again (two tabs, a retried request). */
    REFRESH_REUSE_GRACE_SECONDS: env.positiveInt(30),
    /**
     * How long a session is kept after it expired or was revoked, then deleted: for the holder's
     * and support's record (why a device was signed out), not for security (see apps/auth/README.md).
     */
    SESSION_RETENTION_DAYS: env.positiveInt(30),
    /** How long after giving the password a session may change it or the email without it again. */
    SUDO_MODE_MINUTES: env.positiveInt(10),
    /** argon2id cost: OWASP's minimum is 19 MiB and 2 passes. */
    ARGON2_MEMORY_KIB: z.coerce.number().int().min(8_192).default(19_456),
    ARGON2_TIME_COST: z.coerce.number().int().min(1).default(2),
    /** New password hashes (sign-up, password change) computed at once, and how many may wait. */
    PASSWORD_HASHES_AT_ONCE: env.positiveInt(2),
    PASSWORD_HASHES_WAITING: env.positiveInt(50),
  })
  .superRefine((config, context) => {
    if (
      config.NODE_ENV === 'production' &&
      !config.JWT_PRIVATE_KEY &&
      !config.JWT_PRIVATE_KEY_FILE
    ) {
      context.addIssue({
        code: 'custom',
        path: ['JWT_PRIVATE_KEY'],
        message:
          'is required in production, or JWT_PRIVATE_KEY_FILE (a PKCS#8 PEM P-256 private key; see apps/auth/README.md)',
      });
    }
  })
  .transform((config) => ({
    ...withMigrationsDefault(config),
    JWT_PRIVATE_KEY: config.JWT_PRIVATE_KEY?.replace(/\\n/g, '\n'),
    JWT_EXTRA_PUBLIC_KEYS: config.JWT_EXTRA_PUBLIC_KEYS?.replace(/\\n/g, '\n'),
  }));

export type AuthConfig = z.infer<typeof authConfigSchema>;

export function loadAuthConfig(environment: NodeJS.ProcessEnv = process.env): AuthConfig {
  return loadConfig(authConfigSchema, environment);
}

export const AUTH_CONFIG = Symbol('AUTH_CONFIG');

/** What `migrate` reads: the database only. */
export const authMigrationConfigSchema = migrationConfigSchema('auth');
