import { type ClaimOptions, type ClaimResult, type CompleteOptions, type DedupeStore } from '@botkeel/core';
import { z } from 'zod';
import { createStoreContext } from '../internal/create-context.js';
import { KeySpace } from '../internal/keys.js';
import { RedisScript } from '../internal/redis-script.js';
import { type RedisExecutor } from '../internal/redis-executor.js';
import { redisStoreOptionsShape, type RedisStoreOptions } from '../internal/store-options.js';
import { type RedisClient } from '../redis-client.js';

/** Options of {@link RedisDedupeStore}. */
export type RedisDedupeStoreOptions = RedisStoreOptions;

const optionsSchema = z.object(redisStoreOptionsShape);

const pendingValue = 'p';
const doneValue = 'd';

// Deletes the key only while it is an unfinished claim, never a completed one.
const releaseScript = new RedisScript(
  'dedupe-release',
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`,
);

/**
 * {@link DedupeStore} on Redis. A claim is ONE command, `SET key p NX PX leaseMs GET`: it writes
 * the lease only when the key is absent and returns what was there, so the check and the write are
 * one atomic step (no read-then-write) and exactly one of any number of concurrent claims wins.
 * Leases and TTLs expire by Redis' own clock (`PX`). Needs Redis ≥ 7.0 (`SET … NX GET`).
 *
 * Keys: `{keyPrefix}:dedupe:{{key}}`, one per key, holding `p` (claimed) or `d` (done).
 *
 * @example
 * ```ts
 * const dedupe = new RedisDedupeStore({ client, keyPrefix: 'bot' });
 * if ((await dedupe.claim(`update:${id}`, { leaseMs: 30_000 })) === 'claimed') {
 *   await handle();
 *   await dedupe.complete(`update:${id}`, { ttlMs: 86_400_000 });
 * }
 * ```
 */
export class RedisDedupeStore implements DedupeStore {
  private readonly client: RedisClient;
  private readonly executor: RedisExecutor;
  private readonly keys: KeySpace;

  constructor(options: RedisDedupeStoreOptions) {
    const context = createStoreContext('RedisDedupeStore', optionsSchema, options);
    this.client = context.client;
    this.executor = context.executor;
    this.keys = new KeySpace(context.options.keyPrefix, 'dedupe');
  }

  /** Claims `key` atomically; see {@link DedupeStore.claim}. */
  async claim(key: string, options: ClaimOptions): Promise<ClaimResult> {
    const leaseMs = positiveMs(options.leaseMs);
    const previous = await this.executor.run('dedupe claim', () =>
      this.client.set(this.keys.key(key), pendingValue, 'PX', leaseMs, 'NX', 'GET'),
    );
    if (previous === null) return 'claimed';
    return previous === doneValue ? 'duplicate' : 'in-progress';
  }

  /** Marks `key` done for `ttlMs`; see {@link DedupeStore.complete}. */
  async complete(key: string, options: CompleteOptions): Promise<void> {
    const ttlMs = positiveMs(options.ttlMs);
    await this.executor.run('dedupe complete', () =>
      this.client.set(this.keys.key(key), doneValue, 'PX', ttlMs),
    );
  }

  /** Frees an unfinished claim of `key`; see {@link DedupeStore.release}. */
  async release(key: string): Promise<void> {
    await this.executor.run('dedupe release', () =>
      releaseScript.run(this.client, [this.keys.key(key)], [pendingValue]),
    );
  }
}

/** Redis rejects `PX 0` and fractions; a lease or TTL is at least 1 ms. */
export function positiveMs(value: number): number {
  return Math.max(1, Math.ceil(value));
}
