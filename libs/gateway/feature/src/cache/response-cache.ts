import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { CacheRedis } from '../redis/gateway-redis.js';
import { errorMessage } from '@capstone/errors';
import { LOOKUP_SCRIPT } from './cache-lookup.script.js';
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

function kindOf(scope: EntryScope): EntryKind {
  return typeof scope === 'string' ? scope : 'page';
}

function entry(versionedKey: string, json: string | null): Entry {
  return json === null ? { versionedKey } : { versionedKey, json };
}

interface Entry {
  /** The key to store a miss under; undefined when Redis cannot be asked. */
  readonly versionedKey?: string;
  readonly json?: string;
}

interface Lookup extends Entry {
  readonly beside?: Entry;
}

/** An entry read in the same round trip as another (`getOrLoad`'s `besideKey`). */
export interface Beside<C> {
  /** Its cached value, if any. */
  readonly value?: C;
  /** Loads and stores it, one load for concurrent callers in this process. */
  fill(load: () => Promise<C>): Promise<C>;
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

  /**
   * The entry, or `load`'s value, stored. With `besideKey`, that entry (of the same scope) is read
   * in the same round trip and handed to `load`, e.g. a list's count to the load of a page.
   */
  async getOrLoad<T, C = never>(
    key: string,
    scope: EntryScope,
    load: (beside: Beside<C>) => Promise<T>,
    besideKey?: string,
  ): Promise<Cached<T>> {
    const kind = kindOf(scope);
    const { versionedKey, json, beside } = await this.lookup(key, scope, besideKey);
    if (json !== undefined) {
      countCacheRead('hit', kind);
      return { value: JSON.parse(json) as T, cache: 'HIT' };
    }
    if (beside?.json !== undefined) countCacheRead('hit', kind);
    const besideEntry: Beside<C> = {
      ...(beside?.json !== undefined ? { value: JSON.parse(beside.json) as C } : {}),
      fill: (loadBeside) =>
        besideKey === undefined
          ? loadBeside()
          : this.loadOnce(beside?.versionedKey, besideKey, kind, loadBeside),
    };
    return {
      value: await this.loadOnce(versionedKey, key, kind, () => load(besideEntry)),
      cache: 'MISS',
    };
  }

  /** Loads a missed entry and stores it; concurrent misses for one key in this process share one load. */
  private async loadOnce<T>(
    versionedKey: string | undefined,
    key: string,
    kind: EntryKind,
    load: () => Promise<T>,
  ): Promise<T> {
    const flightKey = versionedKey ?? `uncached:${key}`;
    const pending = this.inFlight.get(flightKey) as Promise<T> | undefined;
    if (pending) {
      countCacheRead('coalesced', kind);
      return pending;
    }
    countCacheRead(versionedKey ? 'miss' : 'bypass', kind);
    const loading = load().then(async (value) => {
      if (versionedKey) await this.write(versionedKey, value);
      return value;
    });
    this.inFlight.set(flightKey, loading);
    try {
      return await loading;
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

  private async lookup(key: string, scope: EntryScope, besideKey = ''): Promise<Lookup> {
    const group = typeof scope === 'string' ? '' : scope.group;
    try {
      const [versionedKey, json, besideVersionedKey, besideJson] = await this.redis.cacheLookup(
        this.redis.options.keyPrefix ?? '',
        kindOf(scope),
        key,
        group,
        group && randomBytes(9).toString('base64url'),
        this.config.CACHE_TTL_SECONDS,
        besideKey,
      );
      const beside = besideVersionedKey ? entry(besideVersionedKey, besideJson ?? null) : undefined;
      return { ...entry(versionedKey, json), ...(beside ? { beside } : {}) };
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
