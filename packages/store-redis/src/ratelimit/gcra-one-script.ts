import { RedisScript } from '../internal/redis-script.js';

/**
 * GCRA for the commonest call, one request with one check, by Redis' clock (`TIME`): the same
 * decision as {@link gcraScript} with less work in Lua (no loops, no tables) and a smaller reply,
 * so a lone caller pays as little as possible over the raw round trip.
 *
 * KEYS: the check's key. ARGV: cost, intervalMs, capacityMs.
 * Returns `remaining` (an integer) when allowed, `{remaining, retryAfterMs}` when denied
 * (retryAfterMs -1 = never).
 */
export const gcraOneScript = new RedisScript(
  'ratelimit-gcra-one',
  `local time = redis.call('TIME')
local now = time[1] * 1000 + time[2] / 1000
local cost = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local capacity = tonumber(ARGV[3])
local stored = tonumber(redis.call('GET', KEYS[1]))
local base = now
if stored ~= nil and stored > now then base = stored end
local nextTat = base + cost * interval
local ahead = nextTat - now
if ahead <= capacity + 1e-6 then
  redis.call('SET', KEYS[1], nextTat, 'PX', math.max(1, math.ceil(ahead)))
  return math.floor((capacity - ahead) / interval + 1e-6)
end
local retryAfter = -1
if cost * interval <= capacity + 1e-6 then retryAfter = math.max(1, math.ceil(ahead - capacity - 1e-6)) end
return {math.max(0, math.floor((capacity - (base - now)) / interval + 1e-6)), retryAfter}`,
);
