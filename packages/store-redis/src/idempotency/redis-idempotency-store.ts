import { randomUUID } from 'node:crypto';
import { type IdempotencyBegin, type IdempotencyStore } from '@botkeel/core';
import { z } from 'zod';
import { positiveMs } from '../dedupe/redis-dedupe-store.js';
import { createStoreContext } from '../internal/create-context.js';
import { KeySpace } from '../internal/keys.js';
import { RedisScript } from '../internal/redis-script.js';
import { type RedisExecutor } from '../internal/redis-executor.js';
import { redisStoreOptionsShape, type RedisStoreOptions } from '../internal/store-options.js';
import { type RedisClient } from '../redis-client.js';

/** Options of {@link RedisIdempotencyStore}. */
export type RedisIdempotencyStoreOptions = RedisStoreOptions;

const optionsSchema = z.object(redisStoreOptionsShape);

const startedPrefix = 'p:';
const completedPrefix = 'd:';

// KEYS: entry. ARGV: started value (p:token), result, ttlMs. Only the live owner completes.
const completeScript = new RedisScript(
  'idempotency-complete',
  `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`,
);

// KEYS: entry. ARGV: started value (p:token). Only the live owner releases.
const releaseScript = new RedisScript(
  'idempotency-release',
  `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`,
);

// KEYS: entry. ARGV: started value (p:token), leaseMs. Only the live owner extends: a completed
// (d:…) or taken-over value differs, and an expired lease is already gone (PX), so never revived.
const extendScript = new RedisScript(
  'idempotency-extend',
  `if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
return redis.call('PEXPIRE', KEYS[1], ARGV[2])`,
);

/**
 * {@link IdempotencyStore} on Redis. `begin` is ONE command, `SET key p:<token> NX PX leaseMs GET`
 * (Redis ≥ 7.0): it starts the key only when absent and returns what was there, so of any number of
 * concurrent begins exactly one is `started`. `complete`, `release` and `extend` are scripts that act
 * only while the caller's token still owns the lease. Leases and results expire by Redis' clock.
 *
 * Keys: `{keyPrefix}:idempotency:{{key}}`, holding `p:<token>` (in progress) or `d:<result>`.
 *
 * @example
 * ```ts
 * const store = new RedisIdempotencyStore({ client, keyPrefix: 'bot' });
 * const receipt = await idempotent(store, `send:${batchId}`, () => channel.send(reply), { ttlMs: 86_400_000, leaseMs: 30_000 });
 * ```
 */
export class RedisIdempotencyStore implements IdempotencyStore {
  private readonly client: RedisClient;
  private readonly executor: RedisExecutor;
  private readonly keys: KeySpace;

  constructor(options: RedisIdempotencyStoreOptions) {
    const context = createStoreContext('RedisIdempotencyStore', optionsSchema, options);
    this.client = context.client;
    this.executor = context.executor;
    this.keys = new KeySpace(context.options.keyPrefix, 'idempotency');
  }

  /** Starts work on `key` unless it is done or in progress (one `SET … NX PX … GET`). */
  async begin(key: string, options: { leaseMs: number }): Promise<IdempotencyBegin> {
    const token = randomUUID();
    const leaseMs = positiveMs(options.leaseMs);
    const previous = await this.executor.run('idempotency begin', () =>
      this.client.set(this.keys.key(key), startedPrefix + token, 'PX', leaseMs, 'NX', 'GET'),
    );
    if (previous === null) return { status: 'started', token };
    if (previous.startsWith(completedPrefix)) {
      return { status: 'completed', result: previous.slice(completedPrefix.length) };
    }
    return { status: 'in-progress' };
  }

  /** Stores the result for `ttlMs` and ends the lease, only while `token` still owns it. */
  async complete(key: string, token: string, result: string, options: { ttlMs: number }): Promise<void> {
    const ttlMs = positiveMs(options.ttlMs);
    await this.executor.run('idempotency complete', () =>
      completeScript.run(
        this.client,
        [this.keys.key(key)],
        [startedPrefix + token, completedPrefix + result, ttlMs],
      ),
    );
  }

  /** Gives up the lease, only while `token` still owns it, so the key can be started again. */
  async release(key: string, token: string): Promise<void> {
    await this.executor.run('idempotency release', () =>
      releaseScript.run(this.client, [this.keys.key(key)], [startedPrefix + token]),
    );
  }

  /**
   * Sets the lease to end `leaseMs` from now (Redis' clock), only while `token` still owns a live
   * lease (one script: `GET` compare, then `PEXPIRE`); see {@link IdempotencyStore.extend}.
   */
  async extend(key: string, token: string, options: { leaseMs: number }): Promise<boolean> {
    const leaseMs = positiveMs(options.leaseMs);
    const reply = await this.executor.run('idempotency extend', () =>
      extendScript.run(this.client, [this.keys.key(key)], [startedPrefix + token, leaseMs]),
    );
    return reply === 1;
  }
}
