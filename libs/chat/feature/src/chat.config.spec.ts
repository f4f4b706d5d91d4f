import { describe, expect, it } from 'vitest';
import { ConfigError } from '@capstone/config';
import { laptopDefaults, thrownBy } from '@capstone/testing';
import { loadChatConfig } from './chat.config.js';

describe('loadChatConfig', () => {
  it('runs on a laptop with no variables set', () => {
    expect(loadChatConfig({})).toEqual({
      ...laptopDefaults.service(3003),
      MONGO_URL: 'mongodb://127.0.0.1:27017/chat',
      ...laptopDefaults.redis('capstone:chat:'),
      ...laptopDefaults.brokerRequests,
      ...laptopDefaults.eventConsumer,
      ...laptopDefaults.accessTokens,
      RATE_LIMIT_SENDS_PER_USER: { points: 10, windowSeconds: 5 },
      RATE_LIMIT_TYPING_PER_USER: { points: 20, windowSeconds: 10 },
      RATE_LIMIT_EDITS_PER_USER: { points: 20, windowSeconds: 60 },
      RATE_LIMIT_DELETES_PER_USER: { points: 20, windowSeconds: 60 },
      RATE_LIMIT_READS_PER_USER: { points: 120, windowSeconds: 60 },
      RATE_LIMIT_JOINS_PER_USER: { points: 30, windowSeconds: 60 },
      RATE_LIMIT_DIRECT_OPENS_PER_USER: { points: 20, windowSeconds: 600 },
      RATE_LIMIT_MEMBER_CHANGES_PER_USER: { points: 30, windowSeconds: 600 },
      SOCKETS_PER_USER_MAX: 10,
      SOCKET_LONG_POLLING: true,
    });
  });

  it('reads limits as events per seconds and a connection cap as a positive number', () => {
    const config = loadChatConfig({ RATE_LIMIT_TYPING_PER_USER: '3/1', SOCKETS_PER_USER_MAX: '2' });
    expect(config.RATE_LIMIT_TYPING_PER_USER).toEqual({ points: 3, windowSeconds: 1 });
    expect(config.SOCKETS_PER_USER_MAX).toBe(2);
    const { problems } = thrownBy(ConfigError, () =>
      loadChatConfig({ RATE_LIMIT_JOINS_PER_USER: '30 a minute', SOCKETS_PER_USER_MAX: '0' }),
    );
    expect(problems.map((problem) => problem.split(':')[0])).toEqual([
      'RATE_LIMIT_JOINS_PER_USER',
      'SOCKETS_PER_USER_MAX',
    ]);
  });

  it('turns HTTP long-polling off with SOCKET_LONG_POLLING=false, and refuses anything but true or false', () => {
    expect(loadChatConfig({ SOCKET_LONG_POLLING: 'false' }).SOCKET_LONG_POLLING).toBe(false);
    const { problems } = thrownBy(ConfigError, () => loadChatConfig({ SOCKET_LONG_POLLING: 'no' }));
    expect(problems.map((problem) => problem.split(':')[0])).toEqual(['SOCKET_LONG_POLLING']);
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
