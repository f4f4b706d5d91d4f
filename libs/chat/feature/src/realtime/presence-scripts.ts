/*
 * The Lua scripts of `PresenceStore`, each run atomically by Redis. A room's keys (KEYS):
 * 1 `online`, a sorted set of the users online there scored by when their entry expires;
 * 2 `names`, a hash of their names; 3 `user:<id>`, a sorted set of one user's connections in the
 * room scored alike (`SWEEP` has no third key); 4 `seq`, the number of the room's last change.
 */

/**
 * A connection enters the room. ARGV: now, expiry, TTL, user id, username, socket id. Returns
 * whether the user just came online (1/0), the room's change number, then the users online now
 * as id, name, id, name…: the joiner's snapshot, read in the same step as its change.
 */
export const ENTER = `
local now = tonumber(ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[6])
local alive = redis.call('ZSCORE', KEYS[1], ARGV[4])
local first = (not alive) or tonumber(alive) <= now
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
local seq
if first then seq = redis.call('INCR', KEYS[4]) else seq = tonumber(redis.call('GET', KEYS[4]) or '0') end
for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ARGV[3]) end
local reply = {first and 1 or 0, seq}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')) do
  reply[#reply + 1] = id
  reply[#reply + 1] = redis.call('HGET', KEYS[2], id) or ''
end
return reply`;

/**
 * A connection leaves the room. ARGV: now, user id, socket id. Returns the change number if that
 * was the user's last live connection there (they went offline), 0 otherwise.
 */
export const LEAVE = `
redis.call('ZREM', KEYS[3], ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[3]) > 0 then return 0 end
if redis.call('ZREM', KEYS[1], ARGV[2]) == 0 then return 0 end
redis.call('HDEL', KEYS[2], ARGV[2])
return redis.call('INCR', KEYS[4])`;

/**
 * An instance extends the entries of one user's connections it holds in the room. ARGV: now,
 * expiry, TTL, user id, username, socket ids…. Returns a change number if the user's entry had
 * been swept meanwhile (they are back online), 0 otherwise.
 */
export const REFRESH = `
for i = 6, #ARGV do redis.call('ZADD', KEYS[3], ARGV[2], ARGV[i]) end
local back = 0
if not redis.call('ZSCORE', KEYS[1], ARGV[4]) then
  redis.call('HSET', KEYS[2], ARGV[4], ARGV[5])
  back = redis.call('INCR', KEYS[4])
end
redis.call('ZADD', KEYS[1], 'GT', ARGV[2], ARGV[4])
for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ARGV[3]) end
return back`;

/**
 * Takes the users whose entries expired (their instance stopped without a word) off the room.
 * KEYS: online, names, seq; ARGV: now. Returns id, name, change number for each.
 */
export const SWEEP = `
local reply = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])) do
  reply[#reply + 1] = id
  reply[#reply + 1] = redis.call('HGET', KEYS[2], id) or ''
  redis.call('ZREM', KEYS[1], id)
  redis.call('HDEL', KEYS[2], id)
  reply[#reply + 1] = redis.call('INCR', KEYS[3])
end
return reply`;
