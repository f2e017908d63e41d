import { RedisScript } from '../internal/redis-script.js';

// Key layout of one shard (every key carries the shard's hash tag, so each script stays in one slot):
//   {base}ready      ZSET chat -> due time of its pending burst, while the chat has no claimed batch
//   {base}waiting    ZSET chat -> due time of its pending burst, while the chat has a claimed batch
//   {base}leases     ZSET chat -> lease end of its claimed batch
//   {base}p:{chat}   LIST the pending burst: its header "batch first", then the items in push order
//   {base}c:{chat}   LIST the claimed batch: the pending list renamed at the claim
//   {base}dues       HASH chat -> due time of its claimed batch (set at the claim, deleted at the ack)
//   {base}pi:{chat}  HASH push id -> burst size after that push, of the pending burst (pushes with an id)
//   {base}ci:{chat}  HASH the same of the claimed batch: renamed with the list, deleted at the ack
// The header is written once, at the burst's first push: "batch first" (its batch id and first push
// in ms). The burst's due time lives only in `ready` or `waiting`, so a push is LINDEX, RPUSH, EXISTS
// and ZADD and never rewrites the header; a claim is RENAME + LRANGE per batch, the due times of all
// its batches go into `dues` with one HSET, and an ack's check-and-remove reads one element. Only a
// redelivery rewrites the header, to "batch first due redeliveries" (deliveries − 1).
// Lists written before `waiting` and `dues` existed always have the 4-field header: the scripts read
// the due time from it when `waiting` or `dues` has none.
// Scripts derive the per-chat keys from {base} (passed in ARGV) and the chat; they share the tag.

/** The Lua pattern of a claimed header: batch, first, due, redeliveries. */
const header = `'^(%S+) (%S+) (%S+) (%d+)$'`;

/**
 * Lua: whether the header `text` starts with the batch id `id` (then a space). Plain comparison, no
 * pattern: batch ids contain no space.
 */
const startsWithBatch = (text: string, id: string) =>
  `string.sub(${text}, 1, #${id}) == ${id} and string.byte(${text}, #${id} + 1) == 32`;

/**
 * KEYS: ready, pending list, claimed list, pending ids, claimed ids, waiting, dues.
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
  local seen = redis.call('HGET', KEYS[4], id)
  if seen then
    local due = redis.call('ZSCORE', KEYS[1], ARGV[1]) or redis.call('ZSCORE', KEYS[6], ARGV[1])
    if not due then
      local known = redis.call('LINDEX', KEYS[2], 0)
      if known then due = select(3, string.match(known, ${header})) end
    end
    if due then return {tonumber(seen), due} end
  end
  seen = redis.call('HGET', KEYS[5], id)
  if seen then
    local known = redis.call('LINDEX', KEYS[3], 0)
    if known then
      local knownDue = select(3, string.match(known, ${header})) or redis.call('HGET', KEYS[7], ARGV[1])
      return {tonumber(seen), knownDue}
    end
  end
end
local current = redis.call('LINDEX', KEYS[2], 0)
local first = now
local count
if current then
  -- The header's second field (of "batch first" or of a former "batch first due redeliveries").
  local space = string.find(current, ' ', 1, true)
  local stop = string.find(current, ' ', space + 1, true)
  first = tonumber(string.sub(current, space + 1, (stop or 0) - 1))
  count = redis.call('RPUSH', KEYS[2], ARGV[2]) - 1
else
  count = 1
  redis.call('RPUSH', KEYS[2], ARGV[7] .. ' ' .. ARGV[6], ARGV[2])
end
local schedule = KEYS[1]
if redis.call('EXISTS', KEYS[3]) == 1 then schedule = KEYS[6] end
local maxItems = tonumber(ARGV[5])
local due
if count >= maxItems then
  due = now
  if count - 1 >= maxItems then
    local previousDue = tonumber(redis.call('ZSCORE', schedule, ARGV[1]))
    if previousDue ~= nil and previousDue < now then due = previousDue end
  end
else
  due = math.min(first + tonumber(ARGV[4]), now + tonumber(ARGV[3]))
end
local dueText = string.format('%.17g', due)
redis.call('ZADD', schedule, dueText, ARGV[1])
if id ~= '' then redis.call('HSET', KEYS[4], id, count) end
return {count, dueText}`,
);

/**
 * Lua applying the acks in ARGV from index `firstAck` on (chat, batch id pairs) of the shard whose
 * key base is `base`: per ack, removes the claimed batch when the id matches (a stale id is
 * ignored) and makes a waiting burst of the chat ready. KEYS[1] = ready, KEYS[2] = leases,
 * KEYS[3] = waiting, KEYS[4] = dues.
 */
const applyAcks = `local acked = {}
local unwaited = {}
local function makeReady(chat)
  local waiting = redis.call('LINDEX', base .. 'p:' .. chat, 0)
  if not waiting then return end
  local due = redis.call('ZSCORE', KEYS[3], chat)
  if due then
    unwaited[#unwaited + 1] = chat
  else
    due = select(3, string.match(waiting, ${header}))
  end
  if due then redis.call('ZADD', KEYS[1], due, chat) end
end
for index = firstAck, #ARGV, 2 do
  local chat = ARGV[index]
  local claimed = base .. 'c:' .. chat
  local current = redis.call('LINDEX', claimed, 0)
  local id = ARGV[index + 1]
  if current and ${startsWithBatch('current', 'id')} then
    redis.call('DEL', claimed, base .. 'ci:' .. chat)
    acked[#acked + 1] = chat
    makeReady(chat)
  end
end
if #acked > 0 then
  redis.call('ZREM', KEYS[2], unpack(acked))
  redis.call('HDEL', KEYS[4], unpack(acked))
end
if #unwaited > 0 then redis.call('ZREM', KEYS[3], unpack(unwaited)) end
unwaited = {}`;

/**
 * KEYS: ready, leases, waiting, dues. ARGV: base, then chat and batch id of every ack (acks of one shard
 * coalesced into one call). Per ack: removes the claimed batch when the id matches (a stale id is
 * ignored); a waiting burst of the chat becomes ready.
 */
export const ackScript = new RedisScript(
  'debounce-ack',
  `local base = ARGV[1]
local firstAck = 2
${applyAcks}
return 1`,
);

/**
 * KEYS: ready, leases, waiting, dues. ARGV: nowMs, leaseMs, limit, dueBeforeMs, base, then the chat and
 * batch id of acks waiting to be sent (applied first, like {@link ackScript}: one round trip for the
 * acks of the batches just handled and the claim of the next ones). First hands out again the
 * claimed batches whose lease ended (same id, one more delivery), then claims due pending bursts,
 * earliest first: each pending list is renamed into the claimed one (no copy), and the sorted sets
 * and `dues` are updated with one command per call, not per batch.
 * Returns one flat array, per batch: chat, deliveries, header, due time, item count, the items (the
 * header starts with the batch id and a space).
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
local claimedCount = 0
local leased = {}
local dues = {}
local dropped = {}
local function each(command, key, list, step)
  for index = 1, #list, 1000 * step do
    redis.call(command, key, unpack(list, index, math.min(index + 1000 * step - 1, #list)))
  end
end
local function emit(chat, deliveries, due, list)
  claimedCount = claimedCount + 1
  leased[#leased + 1] = leaseEnd
  leased[#leased + 1] = chat
  local at = #out
  out[at + 1] = chat
  out[at + 2] = deliveries
  out[at + 3] = list[1]
  out[at + 4] = due
  out[at + 5] = #list - 1
  for index = 2, #list do out[at + 4 + index] = list[index] end
end
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[1], 'LIMIT', 0, limit)
for _, chat in ipairs(expired) do
  local claimed = base .. 'c:' .. chat
  local list = redis.call('LRANGE', claimed, 0, -1)
  if list[1] then
    local batch, first, due, redeliveries = string.match(list[1], ${header})
    if not batch then
      batch, first = string.match(list[1], '^(%S+) (%S+)$')
      due = redis.call('HGET', KEYS[4], chat) or first
      redeliveries = 0
    end
    redeliveries = tonumber(redeliveries) + 1
    list[1] = batch .. ' ' .. first .. ' ' .. due .. ' ' .. redeliveries
    redis.call('LSET', claimed, 0, list[1])
    emit(chat, redeliveries + 1, due, list)
  else
    dropped[#dropped + 1] = chat
  end
end
if #dropped > 0 then
  each('ZREM', KEYS[2], dropped, 1)
  each('HDEL', KEYS[4], dropped, 1)
  -- A claimed batch gone without an ack (deleted by hand): a burst waiting behind it becomes ready.
  for _, chat in ipairs(dropped) do makeReady(chat) end
  if #unwaited > 0 then each('ZREM', KEYS[3], unwaited, 1) end
end
if claimedCount < limit then
  local ready = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[4], 'WITHSCORES', 'LIMIT', 0, limit - claimedCount)
  if #ready > 0 then
    local chats = {}
    for index = 1, #ready, 2 do chats[#chats + 1] = ready[index] end
    each('ZREM', KEYS[1], chats, 1)
  end
  for index = 1, #ready, 2 do
    local chat = ready[index]
    local claimed = base .. 'c:' .. chat
    -- The sorted set holds a chat only while its pending list exists and nothing is claimed.
    if redis.pcall('RENAME', base .. 'p:' .. chat, claimed)['err'] == nil then
      if redis.call('EXISTS', base .. 'pi:' .. chat) == 1 then
        redis.call('RENAME', base .. 'pi:' .. chat, base .. 'ci:' .. chat)
      end
      dues[#dues + 1] = chat
      dues[#dues + 1] = ready[index + 1]
      emit(chat, 1, ready[index + 1], redis.call('LRANGE', claimed, 0, -1))
    end
  end
end
if #leased > 0 then each('ZADD', KEYS[2], leased, 2) end
if #dues > 0 then each('HSET', KEYS[4], dues, 2) end
return out`,
);

/** KEYS: leases, claimed list. ARGV: chat, batch id, new lease end. */
export const extendLeaseScript = new RedisScript(
  'debounce-extend-lease',
  `local current = redis.call('LINDEX', KEYS[2], 0)
local id = ARGV[2]
if not current or not (${startsWithBatch('current', 'id')}) then return 0 end
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
