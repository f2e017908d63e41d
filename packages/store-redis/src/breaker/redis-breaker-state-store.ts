import {
  InvalidOptionsError,
  type BreakerStateRecord,
  type BreakerStateStore,
  type BreakerStoreCallOptions,
  type BreakerStoreWriteOptions,
  type StoredBreakerState,
} from '@botkeel/core';
import { z } from 'zod';
import { createStoreContext } from '../internal/create-context.js';
import { KeySpace } from '../internal/keys.js';
import { RedisScript } from '../internal/redis-script.js';
import { type RedisExecutor } from '../internal/redis-executor.js';
import { redisStoreOptionsShape, type RedisStoreOptions } from '../internal/store-options.js';
import { type RedisClient } from '../redis-client.js';

/** Options of {@link RedisBreakerStateStore}. */
export type RedisBreakerStateStoreOptions = RedisStoreOptions;

const optionsSchema = z.object(redisStoreOptionsShape);

// Byte-wise string order (UTF-8), independent of the server's locale: writer ids are compared the
// way JavaScript compares ASCII strings.
const byteGreater = `local function greater(left, right)
  local length = math.min(#left, #right)
  for index = 1, length do
    local a, b = string.byte(left, index), string.byte(right, index)
    if a ~= b then return a > b end
  end
  return #left > #right
end
`;

// KEYS: record hash. ARGV: state, changedAtMs, writerId, ttlMs.
// Newest-wins compare-and-set; answers the record stored afterwards.
const writeScript = new RedisScript(
  'breaker-write',
  `${byteGreater}local stored = redis.call('HMGET', KEYS[1], 'state', 'changed', 'writer', 'version')
if stored[1] then
  local changed, candidate = tonumber(stored[2]), tonumber(ARGV[2])
  local isNewer = candidate > changed or (candidate == changed and greater(ARGV[3], stored[3]))
  if not isNewer then return stored end
end
local version = tonumber(stored[4] or '0') + 1
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'changed', ARGV[2], 'writer', ARGV[3], 'version', version)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {ARGV[1], ARGV[2], ARGV[3], tostring(version)}`,
);

// KEYS: cooldown. ARGV: untilMs, ttlMs. Keeps the later end; the entry lives at least ttlMs more.
const extendCooldownScript = new RedisScript(
  'breaker-extend-cooldown',
  `local stored = redis.call('GET', KEYS[1])
local ttl = tonumber(ARGV[2])
if stored and tonumber(stored) >= tonumber(ARGV[1]) then
  if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
  return stored
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
return ARGV[1]`,
);

/**
 * {@link BreakerStateStore} on Redis: circuit states and 429 cooldowns shared by every instance, so
 * an open circuit or a provider's `retry-after` seen by one instance is honoured by all (within the
 * breakers' `syncIntervalMs`). `write` (newest-wins compare-and-set with a version) and
 * `extendCooldown` (only forwards) are one Lua script each; entries expire after `ttlMs` by Redis'
 * clock. Record times are the writers' clocks, as the port prescribes.
 *
 * Keys: `{keyPrefix}:breaker:{{name}}` (hash) and `{keyPrefix}:breaker:{{name}}:cooldown`.
 *
 * @example
 * ```ts
 * const store = new RedisBreakerStateStore({ client, keyPrefix: 'bot' });
 * const breaker = createCircuitBreaker({ name: 'openai', store, syncIntervalMs: 1_000 });
 * ```
 */
export class RedisBreakerStateStore implements BreakerStateStore {
  private readonly client: RedisClient;
  private readonly executor: RedisExecutor;
  private readonly keys: KeySpace;

  constructor(options: RedisBreakerStateStoreOptions) {
    const context = createStoreContext('RedisBreakerStateStore', optionsSchema, options);
    this.client = context.client;
    this.executor = context.executor;
    this.keys = new KeySpace(context.options.keyPrefix, 'breaker');
  }

  /** The shared state of breaker `name`, or `undefined` when none is stored. */
  async read(name: string, options?: BreakerStoreCallOptions): Promise<StoredBreakerState | undefined> {
    const stored = await this.executor.run(
      'breaker read',
      () => this.client.hmget(this.keys.key(name), 'state', 'changed', 'writer', 'version'),
      options?.signal,
    );
    return stored[0] === null ? undefined : toStored(stored);
  }

  /** Stores `record` when it is newer than the stored one (one script) and answers what is stored afterwards. */
  async write(
    name: string,
    record: BreakerStateRecord,
    options: BreakerStoreWriteOptions,
  ): Promise<StoredBreakerState> {
    const ttlMs = checkTtl(options.ttlMs);
    const reply = await this.executor.run(
      'breaker write',
      () =>
        writeScript.run(
          this.client,
          [this.keys.key(name)],
          [record.state, String(record.changedAtMs), record.writerId, ttlMs],
        ),
      options.signal,
    );
    return toStored(reply as (string | null)[]);
  }

  /** When the cooldown of `name` ends (ms since the epoch), or 0 when none is stored. */
  async readCooldown(name: string, options?: BreakerStoreCallOptions): Promise<number> {
    const stored = await this.executor.run(
      'breaker readCooldown',
      () => this.client.get(this.keys.key(name, 'cooldown')),
      options?.signal,
    );
    return stored === null ? 0 : Number(stored);
  }

  /** Extends the cooldown of `name` to `untilMs` unless a later one is stored; answers the end stored afterwards. */
  async extendCooldown(name: string, untilMs: number, options: BreakerStoreWriteOptions): Promise<number> {
    const ttlMs = checkTtl(options.ttlMs);
    const reply = await this.executor.run(
      'breaker extendCooldown',
      () =>
        extendCooldownScript.run(this.client, [this.keys.key(name, 'cooldown')], [String(untilMs), ttlMs]),
      options.signal,
    );
    return Number(reply);
  }
}

function checkTtl(ttlMs: number): number {
  if (!Number.isInteger(ttlMs) || ttlMs <= 0) {
    throw new InvalidOptionsError(`RedisBreakerStateStore: ttlMs: expected a positive integer, got ${ttlMs}`);
  }
  return ttlMs;
}

function toStored(values: readonly (string | null)[]): StoredBreakerState {
  return {
    state: values[0] === 'open' ? 'open' : 'closed',
    changedAtMs: Number(values[1]),
    writerId: values[2] ?? '',
    version: Number(values[3]),
  };
}
