import { RedisScript } from '../internal/redis-script.js';

// Key layout of one shard (every key carries the shard's hash tag, so each script stays in one slot):
//   {base}ready      ZSET chat -> due time of its pending burst, only while the chat has no claimed batch
//   {base}leases     ZSET chat -> lease end of its claimed batch
//   {base}p:{chat}   LIST the pending burst: its header, then the items in push order
//   {base}c:{chat}   LIST the claimed batch: the pending list renamed at the claim (header, items)
//   {base}pi:{chat}  HASH push id -> burst size after that push, of the pending burst (pushes with an id)
//   {base}ci:{chat}  HASH the same of the claimed batch: renamed with the list, deleted at the ack
// The header is one string: "batch first due redeliveries" (the batch id given at the burst's first
// push, its first push and due time in ms, and deliveries − 1). Keeping it in the list makes a claim
// two commands (RENAME, LRANGE) and an ack's check-and-remove a read of one element.
// Scripts derive the per-chat keys from {base} (passed in ARGV) and the chat; they share the tag.

/** The Lua pattern of a header: batch, first, due, redeliveries. */
const header = `'^(%S+) (%S+) (%S+) (%d+)$'`;

/**
 * KEYS: ready, pending list, claimed list, pending ids, claimed ids.
 * ARGV: chat, item, quietMs, maxWaitMs, maxItems, nowMs, batch id for a new burst, push id ('' for
 * none). A push id already in the pending burst or the claimed batch adds nothing and returns the
 * size after its first push and the burst's current due time.
 * Returns {count, dueAtMs}.
 */
export const pushScript = new RedisScript(
  'debounce-push',
  `local now = tonumber(ARGV[6])
local id = ARGV[8]
if id ~= '' then
  for _, pair in ipairs({{KEYS[4], KEYS[2]}, {KEYS[5], KEYS[3]}}) do
    local seen = redis.call('HGET', pair[1], id)
    if seen then
      local known = redis.call('LINDEX', pair[2], 0)
      if known then
        local _, _, knownDue = string.match(known, ${header})
        return {tonumber(seen), knownDue}
      end
    end
  end
end
local current = redis.call('LINDEX', KEYS[2], 0)
local batch = ARGV[7]
local first = now
local previousDue = nil
local count
if current then
  local currentBatch, currentFirst, currentDue = string.match(current, ${header})
  batch = currentBatch
  first = tonumber(currentFirst)
  previousDue = tonumber(currentDue)
  count = redis.call('RPUSH', KEYS[2], ARGV[2]) - 1
else
  count = 1
end
local maxItems = tonumber(ARGV[5])
local due
if count >= maxItems then
  if previousDue ~= nil and count - 1 >= maxItems then due = math.min(previousDue, now) else due = now end
else
  due = math.min(first + tonumber(ARGV[4]), now + tonumber(ARGV[3]))
end
local dueText = string.format('%.17g', due)
local head = batch .. ' ' .. string.format('%.17g', first) .. ' ' .. dueText .. ' 0'
if current then
  redis.call('LSET', KEYS[2], 0, head)
else
  redis.call('RPUSH', KEYS[2], head, ARGV[2])
end
if redis.call('EXISTS', KEYS[3]) == 0 then redis.call('ZADD', KEYS[1], dueText, ARGV[1]) end
if id ~= '' then redis.call('HSET', KEYS[4], id, count) end
return {count, dueText}`,
);

/**
 * Lua applying the acks in ARGV from index `firstAck` on (chat, batch id pairs) of the shard whose
 * key base is `base`: per ack, removes the claimed batch when the id matches (a stale id is
 * ignored) and makes a waiting burst of the chat ready. KEYS[1] = ready, KEYS[2] = leases.
 */
const applyAcks = `local acked = {}
for index = firstAck, #ARGV, 2 do
  local chat = ARGV[index]
  local claimed = base .. 'c:' .. chat
  local current = redis.call('LINDEX', claimed, 0)
  if current and string.match(current, '^(%S+) ') == ARGV[index + 1] then
    redis.call('DEL', claimed, base .. 'ci:' .. chat)
    acked[#acked + 1] = chat
    local waiting = redis.call('LINDEX', base .. 'p:' .. chat, 0)
    if waiting then
      local _, _, due = string.match(waiting, ${header})
      redis.call('ZADD', KEYS[1], due, chat)
    end
  end
end
if #acked > 0 then redis.call('ZREM', KEYS[2], unpack(acked)) end`;

/**
 * KEYS: ready, leases. ARGV: base, then chat and batch id of every ack (acks of one shard coalesced
 * into one call). Per ack: removes the claimed batch when the id matches (a stale id is ignored);
 * a waiting burst of the chat becomes ready.
 */
export const ackScript = new RedisScript(
  'debounce-ack',
  `local base = ARGV[1]
local firstAck = 2
${applyAcks}
return 1`,
);

/**
 * KEYS: ready, leases. ARGV: nowMs, leaseMs, limit, dueBeforeMs, base, then the chat and batch id
 * of acks waiting to be sent (applied first, like {@link ackScript}: one round trip for the acks
 * of the batches just handled and the claim of the next ones). First hands out again the claimed batches whose lease ended (same id, one more delivery), then
 * claims due pending bursts, earliest first: each pending list is renamed into the claimed one (no
 * copy), and the sorted sets are updated with one command per call, not per batch.
 * Returns {chat, deliveries, {header, items...}} per batch.
 */
export const claimDueScript = new RedisScript(
  'debounce-claim-due',
  `local now = tonumber(ARGV[1])
local leaseEnd = string.format('%.17g', now + tonumber(ARGV[2]))
local limit = tonumber(ARGV[3])
local base = ARGV[5]
local firstAck = 6
${applyAcks}
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
  local claimed = base .. 'c:' .. chat
  local current = redis.call('LINDEX', claimed, 0)
  if current then
    local batch, first, due, redeliveries = string.match(current, ${header})
    redeliveries = tonumber(redeliveries) + 1
    redis.call('LSET', claimed, 0, batch .. ' ' .. first .. ' ' .. due .. ' ' .. redeliveries)
    leased[#leased + 1] = leaseEnd
    leased[#leased + 1] = chat
    out[#out + 1] = {chat, redeliveries + 1, redis.call('LRANGE', claimed, 0, -1)}
  else
    dropped[#dropped + 1] = chat
  end
end
if #dropped > 0 then each('ZREM', KEYS[2], dropped, 1) end
if #out < limit then
  local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[4], 'LIMIT', 0, limit - #out)
  if #due > 0 then each('ZREM', KEYS[1], due, 1) end
  for _, chat in ipairs(due) do
    local claimed = base .. 'c:' .. chat
    -- The sorted set holds a chat only while its pending list exists and nothing is claimed.
    if redis.pcall('RENAME', base .. 'p:' .. chat, claimed)['err'] == nil then
      if redis.call('EXISTS', base .. 'pi:' .. chat) == 1 then
        redis.call('RENAME', base .. 'pi:' .. chat, base .. 'ci:' .. chat)
      end
      leased[#leased + 1] = leaseEnd
      leased[#leased + 1] = chat
      out[#out + 1] = {chat, 1, redis.call('LRANGE', claimed, 0, -1)}
    end
  end
end
if #leased > 0 then each('ZADD', KEYS[2], leased, 2) end
return out`,
);

/** KEYS: leases, claimed list. ARGV: chat, batch id, new lease end. */
export const extendLeaseScript = new RedisScript(
  'debounce-extend-lease',
  `local current = redis.call('LINDEX', KEYS[2], 0)
if not current or string.match(current, '^(%S+) ') ~= ARGV[2] then return 0 end
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
