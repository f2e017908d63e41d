import {
  AbortedError,
  InvalidOptionsError,
  type RateCheck,
  type RateLimitStore,
  type RateRule,
  type RateStoreDecision,
} from '@botkeel/core';
import { z } from 'zod';
import { createStoreContext } from '../internal/create-context.js';
import { type RedisExecutor } from '../internal/redis-executor.js';
import { redisStoreOptionsShape, type RedisStoreOptions } from '../internal/store-options.js';
import { type RedisClient } from '../redis-client.js';
import { gcraOneScript } from './gcra-one-script.js';
import { gcraScript } from './gcra-script.js';

/** Options of {@link RedisRateLimitStore}. */
export interface RedisRateLimitStoreOptions extends RedisStoreOptions {
  /** The `source` its decisions report. Default `'redis'`. */
  name?: string;
  /**
   * The most requests decided by one script call when many arrive in the same tick. Default 128;
   * 1 turns coalescing off.
   */
  maxBatchSize?: number;
}

const optionsSchema = z.object({
  ...redisStoreOptionsShape,
  name: z.string().min(1).optional(),
  maxBatchSize: z.number().int().min(1).max(1_000).optional(),
});

interface PendingRequest {
  readonly keys: string[];
  readonly args: number[];
  resolve(decision: RateStoreDecision): void;
  reject(error: unknown): void;
}

/**
 * {@link RateLimitStore} on Redis: GCRA in one Lua script, by Redis' own clock (`TIME`), so the
 * instances' clocks do not matter. All checks of a request are decided in one round trip,
 * all-or-nothing. Requests that arrive in the same tick are coalesced into ONE script call (each
 * still decided atomically on its own), which is how it outruns one-call-per-decision limiters
 * under concurrency; a lone request with one check (one caller) goes through a lighter script with a
 * smaller reply. Every key of the store shares one hash slot (`{keyPrefix}` tag), because the
 * checks of one request (e.g. `user:42` and `global`) must be decided atomically; on a Cluster the
 * rate-limit state therefore lives on one shard.
 *
 * Keys: `{keyPrefix}:ratelimit:{{keyPrefix}}:{key}`, holding the theoretical arrival time and
 * expiring when the bucket is full again.
 *
 * @example
 * ```ts
 * const limiter = createRateLimiter({
 *   rules: { user: [{ limit: 20, windowMs: 60_000, burst: 5 }] },
 *   chain: [new RedisRateLimitStore({ client, keyPrefix: 'bot' }), new MemoryRateLimitStore()],
 * });
 * ```
 */
export class RedisRateLimitStore implements RateLimitStore {
  /** The `source` its decisions report (default `'redis'`). */
  readonly name: string;
  private readonly client: RedisClient;
  private readonly executor: RedisExecutor;
  private readonly keyBase: string;
  private readonly maxBatchSize: number;
  private readonly shapes = new WeakMap<RateRule, readonly [number, number]>();
  private queue: PendingRequest[] = [];
  private isFlushScheduled = false;

  constructor(options: RedisRateLimitStoreOptions) {
    const context = createStoreContext('RedisRateLimitStore', optionsSchema, options);
    this.client = context.client;
    this.executor = context.executor;
    this.name = context.options.name ?? 'redis';
    this.maxBatchSize = context.options.maxBatchSize ?? 128;
    const prefix = context.options.keyPrefix;
    this.keyBase = `${prefix}:ratelimit:{${prefix}}:`;
  }

  /** Spends `cost` units on every check at once, or on none (one script call, coalesced per tick). */
  consume(
    checks: readonly RateCheck[],
    cost: number,
    options: { signal?: AbortSignal } = {},
  ): Promise<RateStoreDecision> {
    const signal = options.signal;
    if (signal?.aborted === true) {
      return Promise.reject(
        new AbortedError('redis rate-limit consume was aborted', { cause: signal.reason }),
      );
    }
    let request: PendingRequest;
    const decided = new Promise<RateStoreDecision>((resolve, reject) => {
      try {
        request = this.toRequest(checks, cost, resolve, reject);
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      this.queue.push(request);
      if (!this.isFlushScheduled) {
        this.isFlushScheduled = true;
        process.nextTick(() => this.flush());
      }
    });
    if (signal === undefined) return decided;
    return new Promise<RateStoreDecision>((resolve, reject) => {
      const onAbort = (): void =>
        reject(new AbortedError('redis rate-limit consume was aborted', { cause: signal.reason }));
      signal.addEventListener('abort', onAbort, { once: true });
      decided.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private toRequest(
    checks: readonly RateCheck[],
    cost: number,
    resolve: (decision: RateStoreDecision) => void,
    reject: (error: unknown) => void,
  ): PendingRequest {
    if (!(cost >= 0) || !Number.isFinite(cost)) {
      throw new InvalidOptionsError('RedisRateLimitStore.consume: cost: expected a finite number ≥ 0');
    }
    const keys: string[] = [];
    const args: number[] = [cost, checks.length];
    for (const check of checks) {
      const [intervalMs, capacityMs] = this.shapeOf(check.rule);
      keys.push(this.keyBase + check.key);
      args.push(intervalMs, capacityMs);
    }
    return { keys, args, resolve, reject };
  }

  private flush(): void {
    this.isFlushScheduled = false;
    while (this.queue.length > 0) {
      const batch =
        this.queue.length <= this.maxBatchSize ? this.queue : this.queue.slice(0, this.maxBatchSize);
      this.queue = this.queue.length <= this.maxBatchSize ? [] : this.queue.slice(this.maxBatchSize);
      this.send(batch);
    }
  }

  private send(batch: readonly PendingRequest[]): void {
    const only = batch.length === 1 ? batch[0] : undefined;
    if (only !== undefined && only.keys.length === 1) {
      this.sendOne(only);
      return;
    }
    const keys: string[] = [];
    const args: number[] = [batch.length];
    for (const request of batch) {
      for (const key of request.keys) keys.push(key);
      for (const argument of request.args) args.push(argument);
    }
    this.executor
      .run('rate-limit consume', () => gcraScript.run(this.client, keys, args))
      .then(
        (reply) => {
          const values = reply as number[];
          batch.forEach((request, index) => {
            const retryAfterMs = values[index * 3 + 2] ?? 0;
            request.resolve({
              allowed: values[index * 3] === 1,
              remaining: values[index * 3 + 1] ?? 0,
              retryAfterMs: retryAfterMs < 0 ? Number.POSITIVE_INFINITY : retryAfterMs,
            });
          });
        },
        (error: unknown) => {
          for (const request of batch) request.reject(error);
        },
      );
  }

  /** A lone request with one check: the lighter script (an integer reply when allowed). */
  private sendOne(request: PendingRequest): void {
    const [cost = 0, , intervalMs = 1, capacityMs = 1] = request.args;
    this.executor
      .run('rate-limit consume', () =>
        gcraOneScript.run(this.client, request.keys, [cost, intervalMs, capacityMs]),
      )
      .then(
        (reply) => {
          if (typeof reply === 'number') {
            request.resolve({ allowed: true, remaining: reply, retryAfterMs: 0 });
            return;
          }
          const [remaining = 0, retryAfterMs = -1] = reply as number[];
          request.resolve({
            allowed: false,
            remaining,
            retryAfterMs: retryAfterMs < 0 ? Number.POSITIVE_INFINITY : retryAfterMs,
          });
        },
        (error: unknown) => request.reject(error),
      );
  }

  private shapeOf(rule: RateRule): readonly [number, number] {
    let shape = this.shapes.get(rule);
    if (shape === undefined) {
      const { limit, windowMs } = rule;
      const burst = rule.burst ?? limit;
      if (!(limit > 0) || !Number.isFinite(limit))
        throw new InvalidOptionsError('RateRule: limit: expected a number above 0');
      if (!(windowMs > 0) || !Number.isFinite(windowMs)) {
        throw new InvalidOptionsError('RateRule: windowMs: expected a number above 0');
      }
      if (!(burst >= 1) || !Number.isFinite(burst))
        throw new InvalidOptionsError('RateRule: burst: expected a number ≥ 1');
      const intervalMs = windowMs / limit;
      shape = [intervalMs, burst * intervalMs];
      this.shapes.set(rule, shape);
    }
    return shape;
  }
}
