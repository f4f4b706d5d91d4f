import { describe, expect, it } from 'vitest';
import { ConfigError } from '@capstone/config';
import { laptopDefaults, thrownBy } from '@capstone/testing';
import { loadGatewayConfig } from './gateway.config.js';

describe('loadGatewayConfig', () => {
  it('runs on a laptop with no variables set', () => {
    expect(loadGatewayConfig({})).toEqual({
      ...laptopDefaults.service(3000),
      METRICS_PORT: 9464,
      ...laptopDefaults.redis('capstone:gateway:'),
      CHAT_URL: 'http://127.0.0.1:3003',
      WEB_ROOT: 'apps/web/public',
      ...laptopDefaults.brokerRequests,
      ...laptopDefaults.eventConsumer,
      BODY_LIMIT: '100kb',
      CORS_ORIGINS: ['*'],
      TRUST_PROXY: 0,
      ...laptopDefaults.accessTokens,
      CACHE_TTL_SECONDS: 60,
      PROFILE_SYNC_TIMEOUT_MS: 1000,
      LOGIN_WINDOW_SECONDS: 900,
      LOGIN_MAX_FAILURES_PER_ACCOUNT: 5,
      LOGIN_MAX_FAILURES_PER_ADDRESS: 20,
      LOGIN_MAX_FAILURES_PER_ACCOUNT_ANYWHERE: 50,
      RATE_LIMIT_SIGN_UPS_PER_ADDRESS: { points: 20, windowSeconds: 3600 },
      RATE_LIMIT_REFRESHES_PER_ADDRESS: { points: 120, windowSeconds: 60 },
      RATE_LIMIT_PROFILE_CHANGES_PER_ACCOUNT: { points: 10, windowSeconds: 600 },
      RATE_LIMIT_WRITES_PER_ACCOUNT: { points: 60, windowSeconds: 60 },
      RATE_LIMIT_WRITES_PER_ADDRESS: { points: 300, windowSeconds: 60 },
    });
  });

  it('trusts a number of proxy hops or a list of proxy addresses, never any proxy at all', () => {
    expect(loadGatewayConfig({ TRUST_PROXY: '1' }).TRUST_PROXY).toBe(1);
    expect(
      loadGatewayConfig({ TRUST_PROXY: '10.0.0.0/8, 192.0.2.7,loopback' }).TRUST_PROXY,
    ).toEqual(['10.0.0.0/8', '192.0.2.7', 'loopback']);
    for (const anyProxy of ['true', '*', '0.0.0.0/0x', 'proxy.example'])
      expect(
        thrownBy(ConfigError, () => loadGatewayConfig({ TRUST_PROXY: anyProxy })).problems,
      ).toEqual([
        'TRUST_PROXY: must be a number of hops, or a comma-separated list of proxy addresses or subnets (not "true")',
      ]);
  });

  it('reads a rate as requests per seconds', () => {
    expect(
      loadGatewayConfig({ RATE_LIMIT_WRITES_PER_ACCOUNT: '5/10' }).RATE_LIMIT_WRITES_PER_ACCOUNT,
    ).toEqual({
      points: 5,
      windowSeconds: 10,
    });
    expect(
      thrownBy(ConfigError, () =>
        loadGatewayConfig({ RATE_LIMIT_WRITES_PER_ACCOUNT: '5 per minute' }),
      ).problems,
    ).toEqual([
      'RATE_LIMIT_WRITES_PER_ACCOUNT: must look like 60/60 (requests per that many seconds)',
    ]);
  });

  it('names each wrong variable', () => {
    const { problems } = thrownBy(ConfigError, () =>
      loadGatewayConfig({ TRUST_PROXY: 'yes', CHAT_URL: 'ws://chat', BODY_LIMIT: 'lots' }),
    );
    expect(problems).toEqual([
      'CHAT_URL: must be a URL with protocol http or https',
      'BODY_LIMIT: must look like 100kb',
      'TRUST_PROXY: must be a number of hops, or a comma-separated list of proxy addresses or subnets (not "true")',
    ]);
  });
});
