import { describe, expect, it } from 'vitest';
import { ConfigError } from '@capstone/config';
import { thrownBy } from '@capstone/testing';
import { loadChatConfig } from './chat.config.js';

describe('loadChatConfig', () => {
  it('runs on a laptop with no variables set', () => {
    expect(loadChatConfig({})).toEqual({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      PORT: 3003,
      MONGO_URL: 'mongodb://127.0.0.1:27017/chat',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: 'capstone:chat:',
      AMQP_URL: 'amqp://guest:guest@127.0.0.1:5672',
      BROKER_TIMEOUT_MS: 5_000,
      JWT_ISSUER: 'capstone-auth',
      ACCESS_TOKEN_TTL_SECONDS: 900,
      JWT_AUDIENCE: 'capstone',
    });
  });

  it('names each wrong variable', () => {
    const { problems } = thrownBy(ConfigError, () =>
      loadChatConfig({ MONGO_URL: 'postgres://db/chat', REDIS_URL: 'http://redis', PORT: 'x' }),
    );
    expect(problems.map((problem) => problem.split(':')[0])).toEqual([
      'PORT',
      'MONGO_URL',
      'REDIS_URL',
    ]);
  });
});
