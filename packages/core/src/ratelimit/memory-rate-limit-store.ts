import { z } from 'zod';
import { type Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { ExpiringMap } from '../dedupe/expiring-map.js';
import { parseOptions } from '../errors/parse-options.js';
import { InvalidOptionsError } from '../errors/subclasses.js';
import { type GcraShape, type GcraStep, gcraShape, gcraStep } from './gcra.js';
import {
  type RateCheck,
  type RateLimitStore,
  type RateRule,
  type RateStoreDecision,
} from './rate-limit-store.js';

/** Options of {@link MemoryRateLimitStore}. */
export interface MemoryRateLimitStoreOptions {
  /** The source of "now". Default {@link systemClock}. */
  clock?: Clock;
  /**
   * The most keys held at once. A key is idle (and swept as new keys arrive) once its bucket is full
   * again; when the store is full of busy keys, the oldest one is forgotten and starts over with a
   * full burst. Default 1,000,000.
   */
  maxKeys?: number;
  /** The `source` its decisions report. Default `'memory'`. */
  name?: string;
}

const optionsSchema = z.object({
  clock: z.custom<Clock>((value) => typeof (value as Clock | undefined)?.now === 'function').optional(),
  maxKeys: z.number().int().positive().optional(),
  name: z.string().min(1).optional(),
});

/**
 * The in-process {@link RateLimitStore}: GCRA with one number (the theoretical arrival time) per key,
 * O(1) per check, exact under concurrency (decisions are synchronous). A key whose bucket has
 * refilled holds no information and is swept as new keys arrive, so memory follows the number of busy
 * keys, capped by `maxKeys`. Alone it limits one instance; in a chain after a Redis store it is the
 * fallback that keeps limiting during an outage.
 *
 * @example
 * ```ts
 * const store = new MemoryRateLimitStore();
 * const decision = await store.consume([{ key: 'user:42', rule: { limit: 20, windowMs: 60_000, burst: 5 } }], 1);
 * ```
 */
export class MemoryRateLimitStore implements RateLimitStore {
  /** {@inheritDoc RateLimitStore.name} */
  readonly name: string;
  private readonly clock: Clock;
  private readonly buckets: ExpiringMap<number>;
  private readonly shapes = new WeakMap<RateRule, GcraShape>();

  constructor(options: MemoryRateLimitStoreOptions = {}) {
    const parsed = parseOptions('MemoryRateLimitStore', optionsSchema, options);
    this.clock = parsed.clock ?? systemClock;
    this.name = parsed.name ?? 'memory';
    this.buckets = new ExpiringMap((tatMs) => tatMs, parsed.maxKeys ?? 1_000_000);
  }

  /** How many keys are held right now (idle ones not yet swept included). */
  get size(): number {
    return this.buckets.size;
  }

  /** {@inheritDoc RateLimitStore.consume} */
  consume(checks: readonly RateCheck[], cost: number): Promise<RateStoreDecision> {
    try {
      return Promise.resolve(this.consumeSync(checks, cost));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /**
   * The same decision as {@link MemoryRateLimitStore.consume}, synchronously (throws
   * `INVALID_OPTIONS` for a bad cost or rule).
   *
   * @example
   * ```ts
   * const { allowed } = store.consumeSync([{ key: 'user:42', rule: { limit: 20, windowMs: 60_000 } }], 1);
   * ```
   */
  consumeSync(checks: readonly RateCheck[], cost: number): RateStoreDecision {
    if (!(cost >= 0) || !Number.isFinite(cost)) {
      throw new InvalidOptionsError('MemoryRateLimitStore.consume: cost: expected a finite number ≥ 0');
    }
    const now = this.clock.now();
    if (checks.length === 1) {
      const check = checks[0] as RateCheck;
      const stored = this.buckets.peek(check.key);
      const step = gcraStep(this.shapeOf(check.rule), stored, now, cost);
      if (step.allowed) {
        if (stored === undefined) this.buckets.set(check.key, step.nextTatMs, now);
        else this.buckets.replace(check.key, step.nextTatMs);
      }
      return { allowed: step.allowed, remaining: step.remaining, retryAfterMs: step.retryAfterMs };
    }
    const steps: GcraStep[] = [];
    let allowed = true;
    let remaining = Number.POSITIVE_INFINITY;
    let retryAfterMs = 0;
    for (const check of checks) {
      const step = gcraStep(this.shapeOf(check.rule), this.buckets.peek(check.key), now, cost);
      steps.push(step);
      remaining = Math.min(remaining, step.remaining);
      if (!step.allowed) {
        allowed = false;
        retryAfterMs = Math.max(retryAfterMs, step.retryAfterMs);
      }
    }
    if (allowed) {
      checks.forEach((check, index) =>
        this.buckets.set(check.key, (steps[index] as GcraStep).nextTatMs, now),
      );
    }
    return { allowed, remaining: checks.length === 0 ? 0 : remaining, retryAfterMs };
  }

  private shapeOf(rule: RateRule): GcraShape {
    let shape = this.shapes.get(rule);
    if (shape === undefined) {
      shape = gcraShape(rule);
      this.shapes.set(rule, shape);
    }
    return shape;
  }
}
