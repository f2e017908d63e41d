import { randomUUID } from 'node:crypto';
import { InvalidOptionsError, type LockLease, type LockStore } from '@botkeel/core';
import { z } from 'zod';
import { createStoreContext } from '../internal/create-context.js';
import { KeySpace } from '../internal/keys.js';
import { RedisScript } from '../internal/redis-script.js';
import { type RedisExecutor } from '../internal/redis-executor.js';
import { redisStoreOptionsShape, type RedisStoreOptions } from '../internal/store-options.js';
import { type RedisClient } from '../redis-client.js';

/** Options of {@link RedisLock}. */
export interface RedisLockOptions extends RedisStoreOptions {
  /**
   * How long the last fencing token of a key is remembered after its last acquisition. Default one
   * day. Past it, the next token is still larger as long as Redis' clock has not gone back that far.
   */
  fencingMemoryMs?: number;
}

const optionsSchema = z.object({
  ...redisStoreOptionsShape,
  fencingMemoryMs: z.number().int().positive().optional(),
});

// KEYS: lock hash, fencing counter. ARGV: token, leaseMs, fencingMemoryMs.
// The fencing token is max(last + 1, Redis time in µs): strictly increasing per key, and still
// increasing after the counter key expired.
const acquireScript = new RedisScript(
  'lock-acquire',
  `if redis.call('EXISTS', KEYS[1]) == 1 then return false end
local time = redis.call('TIME')
local nowUs = tonumber(time[1]) * 1000000 + tonumber(time[2])
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
local fence = string.format('%.0f', math.max(last + 1, nowUs))
local lease = tonumber(ARGV[2])
redis.call('SET', KEYS[2], fence, 'PX', math.max(lease, tonumber(ARGV[3])))
redis.call('HSET', KEYS[1], 'token', ARGV[1], 'fence', fence)
redis.call('PEXPIRE', KEYS[1], lease)
return {fence, string.format('%.0f', tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) + lease)}`,
);

// KEYS: lock hash. ARGV: token, leaseMs. Extends only the holder's live lease.
const renewScript = new RedisScript(
  'lock-renew',
  `if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return false end
local lease = tonumber(ARGV[2])
redis.call('PEXPIRE', KEYS[1], lease)
local time = redis.call('TIME')
return {redis.call('HGET', KEYS[1], 'fence'), string.format('%.0f', tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000) + lease)}`,
);

// KEYS: lock hash. ARGV: token. Deletes only the holder's live lease.
const releaseScript = new RedisScript(
  'lock-release',
  `if redis.call('HGET', KEYS[1], 'token') ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`,
);

/**
 * {@link LockStore} on Redis: a lease that expires by Redis' clock (`PEXPIRE`), taken, renewed and
 * released by one Lua script each, so only the holder's token can renew or release it (unlike a
 * `GET` then `DEL`). Every lease carries a fencing token that increases strictly per key: hand it to
 * the store you write under the lock so it can refuse a holder whose lease expired meanwhile.
 * `expiresAtMs` is by Redis' clock.
 *
 * Keys: `{keyPrefix}:lock:{{key}}` (hash: token, fencing token) and `{keyPrefix}:lock:{{key}}:fence`
 * (the last fencing token), one slot per key.
 *
 * @example
 * ```ts
 * const locks = new RedisLock({ client, keyPrefix: 'bot' });
 * const lease = await locks.acquire('chat:42', { leaseMs: 30_000 });
 * if (lease) try { await runTurn(lease.fencingToken); } finally { await locks.release(lease); }
 * ```
 */
export class RedisLock implements LockStore {
  private readonly client: RedisClient;
  private readonly executor: RedisExecutor;
  private readonly keys: KeySpace;
  private readonly fencingMemoryMs: number;

  constructor(options: RedisLockOptions) {
    const context = createStoreContext('RedisLock', optionsSchema, options);
    this.client = context.client;
    this.executor = context.executor;
    this.keys = new KeySpace(context.options.keyPrefix, 'lock');
    this.fencingMemoryMs = context.options.fencingMemoryMs ?? 86_400_000;
  }

  /** Takes the lock for `leaseMs`, or resolves `undefined` while another live lease holds it. */
  async acquire(key: string, options: { leaseMs: number }): Promise<LockLease | undefined> {
    assertLeaseMs('acquire', options.leaseMs);
    const token = randomUUID();
    const reply = await this.executor.run('lock acquire', () =>
      acquireScript.run(
        this.client,
        [this.keys.key(key), this.keys.key(key, 'fence')],
        [token, options.leaseMs, this.fencingMemoryMs],
      ),
    );
    return toLease(key, token, reply);
  }

  /** Extends the holder's live lease to `leaseMs` from now; `undefined` when it was lost. */
  async renew(lease: LockLease, options: { leaseMs: number }): Promise<LockLease | undefined> {
    assertLeaseMs('renew', options.leaseMs);
    const reply = await this.executor.run('lock renew', () =>
      renewScript.run(this.client, [this.keys.key(lease.key)], [lease.token, options.leaseMs]),
    );
    return toLease(lease.key, lease.token, reply);
  }

  /** Releases the holder's live lease; false when it had expired or belongs to someone else. */
  async release(lease: LockLease): Promise<boolean> {
    const reply = await this.executor.run('lock release', () =>
      releaseScript.run(this.client, [this.keys.key(lease.key)], [lease.token]),
    );
    return reply === 1;
  }
}

function assertLeaseMs(method: string, leaseMs: number): void {
  if (!Number.isSafeInteger(leaseMs) || leaseMs <= 0) {
    throw new InvalidOptionsError(`RedisLock.${method}: leaseMs must be a positive integer`);
  }
}

function toLease(key: string, token: string, reply: unknown): LockLease | undefined {
  if (!Array.isArray(reply)) return undefined;
  const [fence, expiresAt] = reply as [string, string];
  return { key, token, fencingToken: Number(fence), expiresAtMs: Number(expiresAt) };
}
