import { describe, expect, it } from 'vitest';
import { ConfigError } from '@capstone/config';
import { thrownBy } from '@capstone/testing';
import { loadGatewayConfig } from './gateway.config.js';

describe('loadGatewayConfig', () => {
  it('runs on a laptop with no variables set', () => {
    expect(loadGatewayConfig({})).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      PORT: 3000,
      METRICS_PORT: 9464,
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: 'capstone:gateway:',
      CHAT_URL: 'http://127.0.0.1:3003',
      WEB_ROOT: 'apps/web/public',
      BROKER_TIMEOUT_MS: 5_000,
      BODY_LIMIT: '100kb',
      CORS_ORIGINS: ['*'],
      TRUST_PROXY: false,
      JWT_ISSUER: 'capstone-auth',
      JWT_AUDIENCE: 'capstone',
      ACCESS_TOKEN_TTL_SECONDS: 900,
      CACHE_TTL_SECONDS: 60,
      LOGIN_WINDOW_SECONDS: 900,
      LOGIN_MAX_FAILURES_PER_ACCOUNT: 5,
      LOGIN_MAX_FAILURES_PER_ADDRESS: 20,
    });
  });

  it('trusts a proxy only when told to with true', () => {
    expect(loadGatewayConfig({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(loadGatewayConfig({ TRUST_PROXY: 'false' }).TRUST_PROXY).toBe(false);
  });

  it('names each wrong variable', () => {
    const { problems } = thrownBy(ConfigError, () =>
      loadGatewayConfig({ TRUST_PROXY: 'yes', CHAT_URL: 'ws://chat', BODY_LIMIT: 'lots' }),
    );
    expect(problems).toEqual([
      'CHAT_URL: must be a URL with protocol http or https',
      'BODY_LIMIT: must look like 100kb',
      'TRUST_PROXY: Invalid option: expected one of "true"|"false"',
    ]);
  });
});
