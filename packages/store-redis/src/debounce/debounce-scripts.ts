import { RedisScript } from '../internal/redis-script.js';

// Key layout of one shard (every key carries the shard's hash tag, so each script stays in one slot):
//   {base}ready          ZSET chat -> due time of its pending burst, only while the chat has no claimed batch
//   {base}leases         ZSET chat -> lease end of its claimed batch
//   {base}p:{chat}       LIST items of the pending burst, in push order
//   {base}pm:{chat}      HASH pending burst: first (ms), due (ms), batch (id given at its first push)
//   {base}c:{chat}       LIST items of the claimed batch
//   {base}cm:{chat}      HASH claimed batch: batch (id), due (ms), deliveries
// Scripts derive the per-chat keys from {base} (passed in ARGV) and the chat; they share the tag.

/**
 * KEYS: ready, items, pending meta, claimed meta.
 * ARGV: chat, item, quietMs, maxWaitMs, maxItems, nowMs, batch id for a new burst.
 * Returns {count, dueAtMs}.
 */
export const pushScript = new RedisScript(
  'debounce-push',
  `local now = tonumber(ARGV[6])
local first = tonumber(redis.call('HGET', KEYS[3], 'first'))
local previousDue = nil
if first == nil then
  first = now
  redis.call('HSET', KEYS[3], 'first', ARGV[6], 'batch', ARGV[7])
else
  previousDue = tonumber(redis.call('HGET', KEYS[3], 'due'))
end
local count = redis.call('RPUSH', KEYS[2], ARGV[2])
local maxItems = tonumber(ARGV[5])
local due
if count >= maxItems then
  if previousDue ~= nil and count - 1 >= maxItems then due = math.min(previousDue, now) else due = now end
else
  due = math.min(first + tonumber(ARGV[4]), now + tonumber(ARGV[3]))
end
local dueText = string.format('%.17g', due)
redis.call('HSET', KEYS[3], 'due', dueText)
if redis.call('EXISTS', KEYS[4]) == 0 then redis.call('ZADD', KEYS[1], dueText, ARGV[1]) end
return {count, dueText}`,
);

/**
 * KEYS: ready, leases. ARGV: nowMs, leaseMs, limit, dueBeforeMs, base.
 * First hands out again the claimed batches whose lease ended (same id, one more delivery), then
 * claims due pending bursts, earliest first. Returns {chat, batch, due, deliveries, {items}} per batch.
 */
export const claimDueScript = new RedisScript(
  'debounce-claim-due',
  `local now = tonumber(ARGV[1])
local leaseEnd = string.format('%.17g', now + tonumber(ARGV[2]))
local limit = tonumber(ARGV[3])
local base = ARGV[5]
local out = {}
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, limit)
for _, chat in ipairs(expired) do
  local meta = base .. 'cm:' .. chat
  local batch = redis.call('HGET', meta, 'batch')
  if batch then
    local deliveries = redis.call('HINCRBY', meta, 'deliveries', 1)
    redis.call('ZADD', KEYS[2], leaseEnd, chat)
    out[#out + 1] = {chat, batch, redis.call('HGET', meta, 'due'), deliveries, redis.call('LRANGE', base .. 'c:' .. chat, 0, -1)}
  else
    redis.call('ZREM', KEYS[2], chat)
  end
end
if #out < limit then
  local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[4], 'LIMIT', 0, limit - #out)
  for _, chat in ipairs(due) do
    local pendingMeta = base .. 'pm:' .. chat
    local items = base .. 'p:' .. chat
    local batch = redis.call('HGET', pendingMeta, 'batch')
    redis.call('ZREM', KEYS[1], chat)
    if batch and redis.call('EXISTS', items) == 1 then
      local dueAt = redis.call('HGET', pendingMeta, 'due')
      local claimed = base .. 'c:' .. chat
      redis.call('RENAME', items, claimed)
      redis.call('DEL', pendingMeta)
      redis.call('HSET', base .. 'cm:' .. chat, 'batch', batch, 'due', dueAt, 'deliveries', 1)
      redis.call('ZADD', KEYS[2], leaseEnd, chat)
      out[#out + 1] = {chat, batch, dueAt, 1, redis.call('LRANGE', claimed, 0, -1)}
    end
  end
end
return out`,
);

/**
 * KEYS: ready, leases, claimed meta, claimed items, pending meta. ARGV: chat, batch id.
 * Removes the claimed batch when the id matches; a waiting burst of the chat becomes ready.
 */
export const ackScript = new RedisScript(
  'debounce-ack',
  `if redis.call('HGET', KEYS[3], 'batch') ~= ARGV[2] then return 0 end
redis.call('DEL', KEYS[3], KEYS[4])
redis.call('ZREM', KEYS[2], ARGV[1])
local due = redis.call('HGET', KEYS[5], 'due')
if due then redis.call('ZADD', KEYS[1], due, ARGV[1]) end
return 1`,
);

/** KEYS: leases, claimed meta. ARGV: chat, batch id, new lease end. */
export const extendLeaseScript = new RedisScript(
  'debounce-extend-lease',
  `if redis.call('HGET', KEYS[2], 'batch') ~= ARGV[2] then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
return 1`,
);

/** KEYS: ready, leases. Returns {earliest due or false, earliest lease end or false}. */
export const nextDueScript = new RedisScript(
  'debounce-next-due',
  `local ready = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
local leases = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
return {ready[2] or false, leases[2] or false}`,
);
