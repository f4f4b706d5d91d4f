import { Inject, Injectable, Logger } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { GatewayRedis } from '../throttle/redis.provider.js';

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
  ) {}

  async getOrLoad<T>(key: string, kind: EntryKind, load: () => Promise<T>): Promise<Cached<T>> {
    const fullKey = await this.versionedKey(key, kind);
    if (fullKey) {
      const hit = await this.read<T>(fullKey);
      if (hit !== undefined) return { value: hit, cache: 'HIT' };
    }
    const flightKey = fullKey ?? `uncached:${key}`;
    const pending = this.inFlight.get(flightKey) as Promise<T> | undefined;
    if (pending) return { value: await pending, cache: 'MISS' };

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
    await this.bestEffort(async () => {
      const versioned = await Promise.all(keys.map((key) => this.versionedKey(key, 'entry')));
      const present = versioned.filter((key): key is string => key !== undefined);
      if (present.length > 0) await this.redis.del(...present);
    });
  }

  /** Makes every entry that depends on this generation unreachable at once. */
  async bump(generation: Generation): Promise<void> {
    await this.bestEffort(() => this.redis.incr(`cache-generation:${generation}`));
  }

  /** `cache:<content generation>[:<lists generation>]:<key>`, or undefined when Redis cannot answer. */
  private async versionedKey(key: string, kind: EntryKind): Promise<string | undefined> {
    const generations: Generation[] = kind === 'list' ? ['content', 'lists'] : ['content'];
    try {
      const values = await this.redis.mget(
        ...generations.map((name) => `cache-generation:${name}`),
      );
      return `cache:${values.map((value) => value ?? '0').join(':')}:${key}`;
    } catch (error) {
      this.warn('read', error);
      return undefined;
    }
  }

  private async read<T>(key: string): Promise<T | undefined> {
    try {
      const raw = await this.redis.get(key);
      return raw === null ? undefined : (JSON.parse(raw) as T);
    } catch (error) {
      this.warn('read', error);
      return undefined;
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
    this.logger.warn(
      `cache ${operation} skipped: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
