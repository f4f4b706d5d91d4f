import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Result } from 'ioredis';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { CacheRedis } from '../redis/gateway-redis.js';
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

export type EntryKind = 'entry' | 'list' | 'page';

/** Entries that are made stale together, e.g. the pages of one article's comments. */
export interface EntryGroup {
  readonly group: string;
}

/**
 * What an entry depends on besides `content`: nothing more (`'entry'`), the `lists` generation
 * (`'list'`), or a group of its own (a `'page'` of it), which `dropGroup` makes stale at once.
 */
export type EntryScope = 'entry' | 'list' | EntryGroup;

/**
 * Reads the generations and the entry in one round trip. Returns the versioned key (without the
 * connection's key prefix, which ioredis adds itself) and the cached JSON, or nil. A group's
 * generation is random, not a counter: a group key that was dropped, expired or evicted is
 * replaced by one that cannot meet the old entries.
 */
const LOOKUP_SCRIPT = `
local prefix, kind, key, group, fresh, ttl = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local versioned = 'cache:' .. (redis.call('GET', prefix .. 'cache-generation:content') or '0')
if kind == 'list' then
  versioned = versioned .. ':' .. (redis.call('GET', prefix .. 'cache-generation:lists') or '0')
elseif kind == 'page' then
  local groupKey = prefix .. 'cache-group:' .. group
  redis.call('SET', groupKey, fresh, 'NX', 'EX', ttl)
  versioned = versioned .. ':' .. redis.call('GET', groupKey)
end
versioned = versioned .. ':' .. key
return {versioned, redis.call('GET', prefix .. versioned)}`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    cacheLookup(
      prefix: string,
      kind: EntryKind,
      key: string,
      group: string,
      fresh: string,
      ttl: number,
    ): Result<[string, string | null], Context>;
  }
}

function kindOf(scope: EntryScope): EntryKind {
  return typeof scope === 'string' ? scope : 'page';
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
    private readonly redis: CacheRedis,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {
    redis.defineCommand('cacheLookup', { numberOfKeys: 0, lua: LOOKUP_SCRIPT });
  }

  /** The cached JSON text of an entry, untouched: for serving hits without parsing them. */
  async peek(key: string, scope: EntryScope): Promise<string | undefined> {
    const { json } = await this.lookup(key, scope);
    // Only hits are counted here: a miss goes on to `getOrLoad`, which counts it.
    if (json !== undefined) countCacheRead('hit', kindOf(scope));
    return json;
  }

  async getOrLoad<T>(key: string, scope: EntryScope, load: () => Promise<T>): Promise<Cached<T>> {
    const kind = kindOf(scope);
    const { versionedKey: fullKey, json } = await this.lookup(key, scope);
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

  /** Makes every entry of the group unreachable at once: its next lookup starts a new one. */
  async dropGroup({ group }: EntryGroup): Promise<void> {
    await this.bestEffort(() => this.redis.del(`cache-group:${group}`));
  }

  private async lookup(key: string, scope: EntryScope): Promise<Lookup> {
    const group = typeof scope === 'string' ? '' : scope.group;
    try {
      const [versionedKey, json] = await this.redis.cacheLookup(
        this.redis.options.keyPrefix ?? '',
        kindOf(scope),
        key,
        group,
        group && randomBytes(9).toString('base64url'),
        this.config.CACHE_TTL_SECONDS,
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
