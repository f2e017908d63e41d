import { RedisScript } from '../internal/redis-script.js';

// Key layout of one shard (every key carries the shard's hash tag, so each script stays in one slot):
//   {base}ready          ZSET chat -> due time of its pending burst, only while the chat has no claimed batch
//   {base}leases         ZSET chat -> lease end of its claimed batch
//   {base}p:{chat}       LIST items of the pending burst, in push order
//   {base}pm:{chat}      HASH pending burst: first (ms), due (ms), batch (id given at its first push)
//   {base}c:{chat}       LIST items of the claimed batch
//   {base}cm:{chat}      HASH claimed batch: the pending hash renamed at the claim (first, due, batch)
//                        plus redeliveries (deliveries − 1; absent on the first delivery)
// Scripts derive the per-chat keys from {base} (passed in ARGV) and the chat; they share the tag.

/**
 * KEYS: ready, items, pending meta, claimed meta.
 * ARGV: chat, item, quietMs, maxWaitMs, maxItems, nowMs, batch id for a new burst.
 * Returns {count, dueAtMs}.
 */
export const pushScript = new RedisScript(
  'debounce-push',
  `local now = tonumber(ARGV[6])
local meta = redis.call('HMGET', KEYS[3], 'first', 'due')
local isNew = meta[1] == false
local first = now
local previousDue = nil
if not isNew then
  first = tonumber(meta[1])
  previousDue = tonumber(meta[2])
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
if isNew then
  redis.call('HSET', KEYS[3], 'first', ARGV[6], 'batch', ARGV[7], 'due', dueText)
else
  redis.call('HSET', KEYS[3], 'due', dueText)
end
if redis.call('EXISTS', KEYS[4]) == 0 then redis.call('ZADD', KEYS[1], dueText, ARGV[1]) end
return {count, dueText}`,
);

/**
 * KEYS: ready, leases. ARGV: nowMs, leaseMs, limit, dueBeforeMs, base.
 * First hands out again the claimed batches whose lease ended (same id, one more delivery), then
 * claims due pending bursts, earliest first: the pending list and hash are renamed into the claimed
 * ones (no copy), and the sorted sets are updated with one command per call, not per batch.
 * Returns {chat, batch, due, deliveries, {items}} per batch.
 */
export const claimDueScript = new RedisScript(
  'debounce-claim-due',
  `local now = tonumber(ARGV[1])
local leaseEnd = string.format('%.17g', now + tonumber(ARGV[2]))
local limit = tonumber(ARGV[3])
local base = ARGV[5]
local out = {}
local leased = {}
local dropped = {}
local function each(command, key, list, step)
  for index = 1, #list, 1000 * step do
    redis.call(command, key, unpack(list, index, math.min(index + 1000 * step - 1, #list)))
  end
end
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, limit)
for _, chat in ipairs(expired) do
  local meta = base .. 'cm:' .. chat
  local fields = redis.call('HMGET', meta, 'batch', 'due')
  if fields[1] then
    local deliveries = redis.call('HINCRBY', meta, 'redeliveries', 1) + 1
    leased[#leased + 1] = leaseEnd
    leased[#leased + 1] = chat
    out[#out + 1] = {chat, fields[1], fields[2], deliveries, redis.call('LRANGE', base .. 'c:' .. chat, 0, -1)}
  else
    dropped[#dropped + 1] = chat
  end
end
if #dropped > 0 then each('ZREM', KEYS[2], dropped, 1) end
if #out < limit then
  local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[4], 'LIMIT', 0, limit - #out)
  if #due > 0 then each('ZREM', KEYS[1], due, 1) end
  for _, chat in ipairs(due) do
    local pendingMeta = base .. 'pm:' .. chat
    local fields = redis.call('HMGET', pendingMeta, 'batch', 'due')
    if fields[1] then
      local claimed = base .. 'c:' .. chat
      redis.call('RENAME', base .. 'p:' .. chat, claimed)
      redis.call('RENAME', pendingMeta, base .. 'cm:' .. chat)
      leased[#leased + 1] = leaseEnd
      leased[#leased + 1] = chat
      out[#out + 1] = {chat, fields[1], fields[2], 1, redis.call('LRANGE', claimed, 0, -1)}
    end
  end
end
if #leased > 0 then each('ZADD', KEYS[2], leased, 2) end
return out`,
);

/**
 * KEYS: ready, leases. ARGV: base, then chat and batch id of every ack (acks of one shard coalesced
 * into one call). Per ack: removes the claimed batch when the id matches (a stale id is ignored);
 * a waiting burst of the chat becomes ready. Returns per ack 1 (removed) or 0 (stale).
 */
export const ackScript = new RedisScript(
  'debounce-ack',
  `local base = ARGV[1]
local out = {}
local done = {}
for index = 2, #ARGV, 2 do
  local chat = ARGV[index]
  local meta = base .. 'cm:' .. chat
  if redis.call('HGET', meta, 'batch') ~= ARGV[index + 1] then
    out[#out + 1] = 0
  else
    redis.call('DEL', meta, base .. 'c:' .. chat)
    done[#done + 1] = chat
    local due = redis.call('HGET', base .. 'pm:' .. chat, 'due')
    if due then redis.call('ZADD', KEYS[1], due, chat) end
    out[#out + 1] = 1
  end
end
if #done > 0 then redis.call('ZREM', KEYS[2], unpack(done)) end
return out`,
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
