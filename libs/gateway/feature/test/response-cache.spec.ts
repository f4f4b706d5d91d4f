import {
  createTestKeyspace,
  freePort,
  testInfrastructure,
  type TestKeyspace,
} from '@capstone/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseCache, type Beside } from '../src/cache/response-cache.js';
import { loadGatewayConfig } from '../src/gateway.config.js';
import { CacheRedis } from '../src/redis/gateway-redis.js';

const config = loadGatewayConfig({ NODE_ENV: 'test' });

describe('ResponseCache on a real Redis', () => {
  let keyspace: TestKeyspace;
  let redis: CacheRedis;
  let cache: ResponseCache;

  beforeAll(async () => {
    keyspace = createTestKeyspace('response-cache');
    redis = new CacheRedis(testInfrastructure.redisUrl, keyspace.prefix);
    await redis.onModuleInit();
    cache = new ResponseCache(redis, config);
  });

  afterAll(async () => {
    redis?.disconnect();
    await keyspace?.drop();
  });

  const counting = <T>(value: T) => {
    const loader = { calls: 0, load: async () => ((loader.calls += 1), value) };
    return loader;
  };

  it('misses once, then hits without calling the loader, for the configured TTL', async () => {
    const loader = counting({ articles: [], articlesCount: 0 });
    expect(await cache.getOrLoad('k1', 'entry', loader.load)).toEqual({
      value: { articles: [], articlesCount: 0 },
      cache: 'MISS',
    });
    expect(await cache.getOrLoad('k1', 'entry', loader.load)).toEqual({
      value: { articles: [], articlesCount: 0 },
      cache: 'HIT',
    });
    expect(loader.calls).toBe(1);
    const keys = await redis.keys(`${keyspace.prefix}cache:*k1`);
    expect(keys).toHaveLength(1);
    const ttl = await redis.ttl((keys[0] ?? '').slice(keyspace.prefix.length));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(config.CACHE_TTL_SECONDS);
  });

  it('reads an entry beside a missed one in the same round trip, and fills it once', async () => {
    const lookup = redis.cacheLookup.bind(redis);
    let roundTrips = 0;
    redis.cacheLookup = (...args: Parameters<typeof lookup>) => (
      (roundTrips += 1),
      lookup(...args)
    );
    try {
      const countsLoaded = counting(42);
      const pageOf = (name: string) => async (count: Beside<number>) => ({
        name,
        seen: count.value ?? null,
        count: count.value ?? (await count.fill(countsLoaded.load)),
      });
      // Two first misses at once share one load of the entry beside them.
      const [one, two] = await Promise.all([
        cache.getOrLoad('beside-page-1', 'list', pageOf('1'), 'beside-count'),
        cache.getOrLoad('beside-page-2', 'list', pageOf('2'), 'beside-count'),
      ]);
      expect([one.value, two.value]).toEqual([
        { name: '1', seen: null, count: 42 },
        { name: '2', seen: null, count: 42 },
      ]);
      expect(
        (await cache.getOrLoad('beside-page-3', 'list', pageOf('3'), 'beside-count')).value,
      ).toEqual({ name: '3', seen: 42, count: 42 });
      expect(countsLoaded.calls).toBe(1);
      expect(roundTrips).toBe(3);
    } finally {
      redis.cacheLookup = lookup;
    }
  });

  it('turns a burst of identical misses into one load', async () => {
    let calls = 0;
    const slowLoad = async () => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 50));
      return 'value';
    };
    const results = await Promise.all(
      Array.from({ length: 20 }, () => cache.getOrLoad('burst', 'entry', slowLoad)),
    );
    expect(calls).toBe(1);
    expect(results.every((result) => result.value === 'value')).toBe(true);
  });

  it('evicts single entries by key and leaves the others', async () => {
    const a = counting('a');
    const b = counting('b');
    await cache.getOrLoad('evict-a', 'entry', a.load);
    await cache.getOrLoad('evict-b', 'entry', b.load);
    await cache.evict('evict-a');
    expect((await cache.getOrLoad('evict-a', 'entry', a.load)).cache).toBe('MISS');
    expect((await cache.getOrLoad('evict-b', 'entry', b.load)).cache).toBe('HIT');
  });

  it('drops every list at once when the lists generation is bumped, but keeps single entries', async () => {
    const list = counting(['x']);
    const entry = counting('e');
    await cache.getOrLoad('list-1', 'list', list.load);
    await cache.getOrLoad('entry-1', 'entry', entry.load);
    await cache.bump('lists');
    expect((await cache.getOrLoad('list-1', 'list', list.load)).cache).toBe('MISS');
    expect((await cache.getOrLoad('entry-1', 'entry', entry.load)).cache).toBe('HIT');
    await cache.bump('content');
    expect((await cache.getOrLoad('entry-1', 'entry', entry.load)).cache).toBe('MISS');
  });

  it('answers from the loader, correctly, when Redis cannot be reached', async () => {
    const unreachable = new CacheRedis(`redis://127.0.0.1:${await freePort()}`, keyspace.prefix);
    unreachable.on('error', () => undefined);
    const offline = new ResponseCache(unreachable, config);
    const loader = counting({ tags: ['a'] });
    expect(await offline.getOrLoad('tags', 'entry', loader.load)).toEqual({
      value: { tags: ['a'] },
      cache: 'MISS',
    });
    expect(await offline.getOrLoad('tags', 'entry', loader.load)).toEqual({
      value: { tags: ['a'] },
      cache: 'MISS',
    });
    await offline.evict('tags');
    await offline.bump('lists');
    expect(loader.calls).toBe(2);
    unreachable.disconnect();
  });
});
