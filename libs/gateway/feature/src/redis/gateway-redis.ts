import { ManagedRedis } from '@capstone/redis';

/**
 * The gateway's Redis for security state: revoked sessions and rate-limit counts. It must not
 * evict them under memory pressure (`maxmemory-policy noeviction`), or a revoked session would
 * work again and a limit would reset.
 */
export class GatewayRedis extends ManagedRedis {}

/**
 * The Redis of the response cache, which may evict what it likes (`allkeys-lru`): a lost entry
 * is only a miss. `CACHE_REDIS_URL`, or the same server as `GatewayRedis` on a laptop.
 */
export class CacheRedis extends ManagedRedis {}
