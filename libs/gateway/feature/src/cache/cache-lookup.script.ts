import type { Result } from 'ioredis';

/**
 * Reads the generations and the entry in one round trip, and a second entry of the same scope if
 * named (`beside`, e.g. a list's count beside its page). Returns each versioned key (without the
 * connection's key prefix, which ioredis adds itself) and its cached JSON, or nil. A group's
 * generation is random, not a counter: a group key that was dropped, expired or evicted is
 * replaced by one that cannot meet the old entries.
 */
export const LOOKUP_SCRIPT = `
local prefix, kind, key, group, fresh, ttl, beside = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
local versioned = 'cache:' .. (redis.call('GET', prefix .. 'cache-generation:content') or '0')
if kind == 'list' then
  versioned = versioned .. ':' .. (redis.call('GET', prefix .. 'cache-generation:lists') or '0')
elseif kind == 'page' then
  local groupKey = prefix .. 'cache-group:' .. group
  redis.call('SET', groupKey, fresh, 'NX', 'EX', ttl)
  versioned = versioned .. ':' .. redis.call('GET', groupKey)
end
local entry = versioned .. ':' .. key
if beside == '' then return {entry, redis.call('GET', prefix .. entry)} end
local besideEntry = versioned .. ':' .. beside
return {entry, redis.call('GET', prefix .. entry), besideEntry, redis.call('GET', prefix .. besideEntry)}`;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    cacheLookup(
      prefix: string,
      kind: string,
      key: string,
      group: string,
      fresh: string,
      ttl: number,
      beside: string,
    ): Result<[string, string | null, string?, (string | null)?], Context>;
  }
}
