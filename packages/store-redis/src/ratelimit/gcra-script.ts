import { RedisScript } from '../internal/redis-script.js';

/**
 * GCRA for a batch of requests in one call, by Redis' clock (`TIME`). Each request is decided
 * atomically and in order: all its checks allow the cost (then every check's theoretical arrival
 * time moves ahead), or none is touched. Requests coalesced into one call are independent.
 *
 * KEYS: every check's key, request after request.
 * ARGV: requestCount, then per request: cost, checkCount, then per check: intervalMs, capacityMs.
 * Returns per request three integers: allowed (1/0), remaining, retryAfterMs (-1 = never).
 * A key's TTL is the time until its bucket is full again, so idle keys vanish. Numbers passed to
 * `redis.call` are written with 17 significant digits, so arrival times round-trip exactly.
 */
export const gcraScript = new RedisScript(
  'ratelimit-gcra',
  `local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + tonumber(time[2]) / 1000
local epsilon = 1e-6
local requests = tonumber(ARGV[1])
local argument = 2
local keyIndex = 1
local out = {}
for request = 1, requests do
  local cost = tonumber(ARGV[argument])
  local checks = tonumber(ARGV[argument + 1])
  argument = argument + 2
  local allowed = true
  local remaining = math.huge
  local retryAfter = 0
  local nextTats = {}
  for check = 1, checks do
    local interval = tonumber(ARGV[argument])
    local capacity = tonumber(ARGV[argument + 1])
    argument = argument + 2
    local stored = tonumber(redis.call('GET', KEYS[keyIndex + check - 1]))
    local base = now
    if stored ~= nil and stored > now then base = stored end
    local nextTat = base + cost * interval
    local ahead = nextTat - now
    if ahead <= capacity + epsilon then
      remaining = math.min(remaining, math.floor((capacity - ahead) / interval + epsilon))
      nextTats[check] = nextTat
    else
      allowed = false
      remaining = math.min(remaining, math.max(0, math.floor((capacity - (base - now)) / interval + epsilon)))
      if cost * interval > capacity + epsilon then
        retryAfter = -1
      elseif retryAfter ~= -1 then
        retryAfter = math.max(retryAfter, math.max(1, math.ceil(ahead - capacity - epsilon)))
      end
    end
  end
  if allowed then
    for check = 1, checks do
      local nextTat = nextTats[check]
      redis.call('SET', KEYS[keyIndex + check - 1], nextTat, 'PX', math.max(1, math.ceil(nextTat - now)))
    end
    retryAfter = 0
  end
  if checks == 0 then remaining = 0 end
  keyIndex = keyIndex + checks
  out[#out + 1] = allowed and 1 or 0
  out[#out + 1] = remaining
  out[#out + 1] = retryAfter
end
return out`,
);
