import { z } from 'zod';
import { type Clock } from '../clock/clock.js';
import { type Logger } from '../logger/logger.js';
import {
  type CircuitBreakerOptions,
  type FailureRateOptions,
} from '../resilience/circuit-breaker-options.js';
import { type RateLimitStore, type RateRule } from './rate-limit-store.js';

/**
 * A {@link RateRule} of a limiter, with the name that `consume` keys refer to, e.g. `'user'`,
 * `'chat'`, `'global'`. A store key is `${name}:${id}`.
 */
export interface RateLimiterRule extends RateRule {
  /** Names the dimension the rule limits. Default: its position in `rules` (`'0'`, `'1'`, …). */
  name?: string;
}

/** A store in the chain together with how it scales the rules down when it decides. */
export interface RateLimitChainLink {
  store: RateLimitStore;
  /**
   * Divides every rule's rate and burst for this store, e.g. the number of instances for a
   * per-instance memory fallback behind a shared Redis store (each instance then allows its share).
   * The rate is scaled exactly (the window grows); the burst is floored, at least 1. Default 1.
   */
  limitDivisor?: number;
}

/**
 * Settings of the circuit breaker ({@link createCircuitBreaker}) the limiter keeps for each store of
 * the chain, named `ratelimit:<store name>`. Defaults differ from a standalone breaker: a rate-limit
 * store is on the hot path, so the circuit opens after 3 failures in a row and probes after 250 ms.
 */
export type RateLimitBreakerOptions = Pick<
  CircuitBreakerOptions,
  'consecutiveFailures' | 'failureRate' | 'halfOpenAfterMs' | 'halfOpenMaxProbes'
>;

/** Options of {@link createRateLimiter}. */
export interface RateLimiterOptions {
  /** The rules every `consume` is checked against together (those its keys name). At least one. */
  rules: readonly RateLimiterRule[];
  /** The stores, tried in order: the first that answers decides. At least one. */
  chain: readonly (RateLimitStore | RateLimitChainLink)[];
  /** What decides when every store failed: `'deny'` (default, fail closed) or `'allow'` (fail open). */
  whenAllFail?: 'deny' | 'allow';
  /** How long one store may take before the next in the chain decides. Default 50 ms. */
  storeTimeoutMs?: number;
  /** The per-store circuit breaker: 3 failures in a row open it, a probe follows 250 ms later. */
  breaker?: RateLimitBreakerOptions;
  /** The `retryAfterMs` of a denial by the `'deny'` policy. Default 1,000 ms. */
  policyRetryAfterMs?: number;
  /** The source of time for timeouts and breakers. Default `systemClock`. */
  clock?: Clock;
  /** Receives one line per transition (a store failing, recovering, the policy taking over). */
  logger?: Logger;
}

const positiveNumber = z.number().finite().positive();

const ruleSchema = z.object({
  name: z
    .string()
    .min(1)
    .regex(/^[^:]+$/, 'a rule name may not contain ":"')
    .optional(),
  limit: positiveNumber,
  windowMs: positiveNumber,
  burst: z.number().finite().min(1).optional(),
});

const storeSchema = z.custom<RateLimitStore>(
  (value) =>
    typeof (value as RateLimitStore | undefined)?.consume === 'function' &&
    typeof (value as RateLimitStore).name === 'string',
  'expected a RateLimitStore (with a name and consume())',
);

/** The zod schema of {@link RateLimiterOptions}. */
export const rateLimiterOptionsSchema = z.object({
  rules: z
    .array(ruleSchema)
    .min(1)
    .refine((rules) => {
      const names = rules.map((rule, index) => rule.name ?? String(index));
      return new Set(names).size === names.length;
    }, 'rule names must be unique'),
  chain: z
    .array(
      z.union([
        storeSchema,
        z.object({ store: storeSchema, limitDivisor: z.number().finite().min(1).optional() }),
      ]),
    )
    .min(1),
  whenAllFail: z.enum(['deny', 'allow']).optional(),
  storeTimeoutMs: positiveNumber.optional(),
  breaker: z
    .object({
      consecutiveFailures: z.number().int().positive().optional(),
      failureRate: z
        .custom<FailureRateOptions>((value) => typeof value === 'object' && value !== null)
        .optional(),
      halfOpenAfterMs: z.number().int().positive().optional(),
      halfOpenMaxProbes: z.number().int().positive().optional(),
    })
    .optional(),
  policyRetryAfterMs: z.number().finite().min(0).optional(),
  clock: z.custom<Clock>((value) => typeof (value as Clock | undefined)?.now === 'function').optional(),
  logger: z.custom<Logger>((value) => typeof (value as Logger | undefined)?.warn === 'function').optional(),
});
