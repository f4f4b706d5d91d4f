import { describe, expect, it } from 'vitest';
import { ConfigError } from '@capstone/config';
import { laptopDefaults, thrownBy } from '@capstone/testing';
import { loadAuthConfig } from './auth.config.js';

const problemsOf = (environment: NodeJS.ProcessEnv) =>
  thrownBy(ConfigError, () => loadAuthConfig(environment)).problems;

describe('loadAuthConfig', () => {
  it('runs on a laptop with no variables set', () => {
    expect(loadAuthConfig({})).toEqual({
      ...laptopDefaults.service(3001),
      ...laptopDefaults.postgres('auth'),
      JWT_PRIVATE_KEY: undefined,
      JWT_PRIVATE_KEY_FILE: undefined,
      JWT_EXTRA_PUBLIC_KEYS: undefined,
      ...laptopDefaults.accessTokens,
      REFRESH_TOKEN_TTL_DAYS: 30,
      REFRESH_REUSE_GRACE_SECONDS: 30,
      SESSION_RETENTION_DAYS: 30,
      SUDO_MODE_MINUTES: 10,
      ARGON2_MEMORY_KIB: 19_456,
      ARGON2_TIME_COST: 2,
      PASSWORD_HASHES_AT_ONCE: 2,
      PASSWORD_HASHES_WAITING: 50,
    });
  });

  it('needs a signing key in production, and says where to read about it', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'JWT_PRIVATE_KEY: is required in production, or JWT_PRIVATE_KEY_FILE (a PKCS#8 PEM P-256 private key; see apps/auth/README.md)',
    ]);
  });

  it('reads a key given on one line with \\n escapes, and leaves migrations to their own step in production', () => {
    const config = loadAuthConfig({
      NODE_ENV: 'production',
      JWT_PRIVATE_KEY: '-----BEGIN PRIVATE KEY-----\\nabc\\n-----END PRIVATE KEY-----',
    });
    expect(config.JWT_PRIVATE_KEY).toBe(
      '-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----',
    );
    expect(config.MIGRATIONS_RUN).toBe(false);
  });

  it('reads the extra public keys published during a rotation, given on one line with \\n escapes', () => {
    const config = loadAuthConfig({
      JWT_EXTRA_PUBLIC_KEYS: '-----BEGIN PUBLIC KEY-----\\nabc\\n-----END PUBLIC KEY-----',
    });
    expect(config.JWT_EXTRA_PUBLIC_KEYS).toBe(
      '-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----',
    );
  });

  it('takes the key from the file JWT_PRIVATE_KEY_FILE names instead, in production too', () => {
    const config = loadAuthConfig({ NODE_ENV: 'production', JWT_PRIVATE_KEY_FILE: '/keys/k.pem' });
    expect(config.JWT_PRIVATE_KEY_FILE).toBe('/keys/k.pem');
  });

  it('refuses an argon2 cost below OWASP minimum, naming the variable', () => {
    expect(
      problemsOf({ ARGON2_MEMORY_KIB: '4096' }).map((problem) => problem.split(':')[0]),
    ).toEqual(['ARGON2_MEMORY_KIB']);
  });
});
