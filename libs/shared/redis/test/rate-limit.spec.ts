import { createTestKeyspace, freePort, type TestKeyspace } from '@capstone/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter } from '../src/index.js';

describe('RateLimiter on a real Redis', () => {
  let keyspace: TestKeyspace;
  const connections: Redis[] = [];

  /** A connection as a replica's: commands fail at once while Redis is down. */
  const connect = (url: string) => {
    const redis = new Redis(url, {
      keyPrefix: keyspace.prefix,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    connections.push(redis);
    return redis;
  };
  const ready = async (redis: Redis) => {
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
    return redis;
  };
  const limit = { points: 5, windowSeconds: 60 };

  beforeAll(() => {
    keyspace = createTestKeyspace('rate-limit');
  });

  afterAll(async () => {
    for (const redis of connections) redis.disconnect();
    await keyspace?.drop();
  });

  it('lets exactly the limit through when requests arrive all at once, and says when to retry', async () => {
    const limiter = new RateLimiter(await ready(connect(keyspace.url)), 'burst', limit);
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => limiter.consume('k')));
    expect(outcomes.filter((outcome) => outcome.allowed)).toHaveLength(5);
    const refused = outcomes.find((outcome) => !outcome.allowed);
    expect(refused).toMatchObject({ allowed: false });
    expect(refused && !refused.allowed && refused.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('counts the requests of every replica together', async () => {
    const [first, second] = await Promise.all([
      ready(connect(keyspace.url)),
      ready(connect(keyspace.url)),
    ]);
    const replicas = [
      new RateLimiter(first, 'shared', limit),
      new RateLimiter(second, 'shared', limit),
    ];
    const outcomes = [];
    for (let i = 0; i < 6; i += 1) outcomes.push(await replicas[i % 2]?.consume('k'));
    expect(outcomes.map((outcome) => outcome?.allowed)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
  });

  it('gives a counted request back on refund, and forgets them all on reset', async () => {
    const limiter = new RateLimiter(await ready(connect(keyspace.url)), 'refund', limit);
    for (let i = 0; i < 5; i += 1) await limiter.consume('k');
    expect((await limiter.consume('k')).allowed).toBe(false);
    await limiter.reset('k');
    for (let i = 0; i < 5; i += 1) expect((await limiter.consume('k')).allowed).toBe(true);
    await limiter.refund('k');
    expect((await limiter.consume('k')).allowed).toBe(true);
    expect((await limiter.consume('k')).allowed).toBe(false);
  });

  it('keeps limiting in the process while Redis is unreachable', async () => {
    const nowhere = connect(`redis://127.0.0.1:${await freePort()}`);
    const limiter = new RateLimiter(nowhere, 'outage', limit);
    const outcomes = [];
    for (let i = 0; i < 6; i += 1) outcomes.push((await limiter.consume('k')).allowed);
    expect(outcomes).toEqual([true, true, true, true, true, false]);
  });
});
