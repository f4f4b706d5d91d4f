import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Result } from 'ioredis';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { GatewayRedis } from '../redis/gateway-redis.js';
import { errorMessage } from '@capstone/errors';
import { countCacheRead } from './cache-metrics.js';

export type CacheOutcome = 'HIT' | 'MISS';

export interface Cached<T> {
  readonly value: T;
  readonly cache: CacheOutcome;
}

/**
 * Generations make "invalidate everything of a kind" one INCR: every key embeds the current
 * generation numbers, so bumping one makes all keys that embed it unreachable (they expire by TTL).
 * Every entry depends on `content`; list entries also on `lists`.
 */
export type Generation = 'content' | 'lists';

export type EntryKind = 'entry' | 'list';

/**
 * Reads the generations and the entry in one round trip. Returns the versioned key (without the
 * connection's key prefix, which ioredis adds itself) and the cached JSON, or nil.
 */
const LOOKUP_SCRIPT = `
local prefix, kind, key = ARGV[1], ARGV[2], ARGV[3]
local versioned = 'cache:' .. (redis.call('GET', prefix .. 'cache-generation:content') or '0')
if kind == 'list' then
  versioned = versioned .. ':' .. (redis.call('GET', prefix .. 'cache-generation:lists') or '0')
end
versioned = versioned .. ':' .. key
return {versioned, redis.call('GET', prefix .. versioned)}`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    cacheLookup(
      prefix: string,
      kind: EntryKind,
      key: string,
    ): Result<[string, string | null], Context>;
  }
}

interface Lookup {
  /** The key to store a miss under; undefined when Redis cannot be asked. */
  readonly versionedKey?: string;
  readonly json?: string;
}

/**
 * A read-through JSON cache in Redis with single-flight loading: concurrent misses for one key in
 * this process share one load. Redis trouble never fails a request: the value is loaded from the
 * service instead, and readiness reports the gateway as degraded.
 */
@Injectable()
export class ResponseCache {
  private readonly logger = new Logger(ResponseCache.name);
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: GatewayRedis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    redis.defineCommand('cacheLookup', { numberOfKeys: 0, lua: LOOKUP_SCRIPT });
  }

  /** The cached JSON text of an entry, untouched: for serving hits without parsing them. */
  async peek(key: string, kind: EntryKind): Promise<string | undefined> {
    const { json } = await this.lookup(key, kind);
    // Only hits are counted here: a miss goes on to `getOrLoad`, which counts it.
    if (json !== undefined) countCacheRead('hit', kind);
    return json;
  }

  async getOrLoad<T>(key: string, kind: EntryKind, load: () => Promise<T>): Promise<Cached<T>> {
    const { versionedKey: fullKey, json } = await this.lookup(key, kind);
    if (json !== undefined) {
      countCacheRead('hit', kind);
      return { value: JSON.parse(json) as T, cache: 'HIT' };
    }
    const flightKey = fullKey ?? `uncached:${key}`;
    const pending = this.inFlight.get(flightKey) as Promise<T> | undefined;
    if (pending) {
      countCacheRead('coalesced', kind);
      return { value: await pending, cache: 'MISS' };
    }
    countCacheRead(fullKey ? 'miss' : 'bypass', kind);

    const loading = load().then(async (value) => {
      if (fullKey) await this.write(fullKey, value);
      return value;
    });
    this.inFlight.set(flightKey, loading);
    try {
      return { value: await loading, cache: 'MISS' };
    } finally {
      this.inFlight.delete(flightKey);
    }
  }

  /** Removes single entries (not lists), e.g. one article and its comments. */
  async evict(...keys: string[]): Promise<void> {
    const lookups = await Promise.all(keys.map((key) => this.lookup(key, 'entry')));
    const present = lookups.flatMap((lookup) =>
      lookup.json !== undefined && lookup.versionedKey ? [lookup.versionedKey] : [],
    );
    if (present.length > 0) await this.bestEffort(() => this.redis.del(...present));
  }

  /** Makes every entry that depends on this generation unreachable at once. */
  async bump(generation: Generation): Promise<void> {
    await this.bestEffort(() => this.redis.incr(`cache-generation:${generation}`));
  }

  private async lookup(key: string, kind: EntryKind): Promise<Lookup> {
    try {
      const [versionedKey, json] = await this.redis.cacheLookup(
        this.redis.options.keyPrefix ?? '',
        kind,
        key,
      );
      return json === null ? { versionedKey } : { versionedKey, json };
    } catch (error) {
      this.warn('read', error);
      return {};
    }
  }

  private async write(key: string, value: unknown): Promise<void> {
    await this.bestEffort(() =>
      this.redis.set(key, JSON.stringify(value), 'EX', this.config.CACHE_TTL_SECONDS),
    );
  }

  private async bestEffort(work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
    } catch (error) {
      this.warn('write', error);
    }
  }

  private warn(operation: string, error: unknown): void {
    this.logger.warn(`cache ${operation} skipped: ${errorMessage(error)}`);
  }
}
