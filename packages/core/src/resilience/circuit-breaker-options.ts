import { z } from 'zod';
import { type Clock } from '../clock/clock.js';
import { type Logger } from '../logger/logger.js';
import { type BreakerStateStore } from './breaker-state-store.js';
import { type CircuitState } from './circuit-state.js';
import { type FaultClassifier } from './fault-classifier.js';
import { type OutcomeWindowSnapshot } from './outcome-window.js';

/** A sliding window of the last `size` calls. */
export interface CountWindowOptions {
  kind: 'count';
  /** How many recent calls the window holds. Integer 1…10,000. */
  size: number;
}

/** A sliding window of the calls of the last `durationMs`. */
export interface TimeWindowOptions {
  kind: 'time';
  /** The window's length. */
  durationMs: number;
  /** How many buckets the window slides by (its resolution). Integer 1…1,000, default 10. */
  buckets?: number;
}

/** Opens the circuit when the share of failed calls in a sliding window reaches `threshold`. */
export interface FailureRateOptions {
  /** The failure share that opens the circuit, in (0, 1]; e.g. 0.5 for half of the calls. */
  threshold: number;
  /** The circuit never opens on the rate before the window holds this many calls. */
  minimumVolume: number;
  /** Count-based or time-based sliding window. */
  window: CountWindowOptions | TimeWindowOptions;
}

/** The exported state of a breaker: `breaker.toJSON()`, restored through `initialState`. */
export interface CircuitBreakerSnapshot {
  /** The snapshot format. */
  version: 1;
  state: CircuitState;
  /** When the state last changed (ms since the epoch). */
  changedAtMs: number;
  /** When the circuit last opened (ms since the epoch; 0 when never). */
  openedAtMs: number;
  /** Provider faults in a row since the last success. */
  consecutiveFailures: number;
  /** The failure-rate window, when one is configured. */
  window?: OutcomeWindowSnapshot;
}

/** Options of {@link createCircuitBreaker}. */
export interface CircuitBreakerOptions {
  /** Names the breaker in metrics, errors and the shared store. Default `'default'`. */
  name?: string;
  /**
   * Opens the circuit after this many provider faults in a row. Default 5 when `failureRate` is
   * not given either; when only `failureRate` is given, only the rate counts.
   */
  consecutiveFailures?: number;
  /** Opens the circuit on a failure rate over a sliding window. */
  failureRate?: FailureRateOptions;
  /** How long an open circuit refuses calls before letting probes through. Default 30,000. */
  halfOpenAfterMs?: number;
  /** How many probe calls a half-open circuit lets through at once. Default 1. */
  halfOpenMaxProbes?: number;
  /** Decides which errors count as faults. Default {@link isProviderFault}. */
  isFault?: FaultClassifier;
  /** A state to start from, as exported by `toJSON()`. */
  initialState?: CircuitBreakerSnapshot;
  /** Shares state with every breaker of the same `name` on the store (other instances). */
  store?: BreakerStateStore;
  /** How often at most the breaker reads the shared store (its staleness bound). Default 1,000. */
  syncIntervalMs?: number;
  /** This instance's id in the shared store. Default: a random UUID. */
  instanceId?: string;
  /** Default: the system clock. */
  clock?: Clock;
  /** Where store failures and listener errors are logged. Default: silent. */
  logger?: Logger;
}

const positiveInteger = z.number().int().positive();

const snapshotSchema = z.object({
  version: z.literal(1),
  state: z.enum(['closed', 'open', 'half-open']),
  changedAtMs: z.number().finite(),
  openedAtMs: z.number().finite(),
  consecutiveFailures: z.number().int().nonnegative(),
  window: z
    .union([
      z.object({ kind: z.literal('count'), outcomes: z.array(z.number().int().min(0).max(1)) }),
      z.object({
        kind: z.literal('time'),
        bucketMs: positiveInteger,
        buckets: z.array(
          z.object({
            startMs: z.number().finite(),
            total: z.number().int().nonnegative(),
            failures: z.number().int().nonnegative(),
          }),
        ),
      }),
    ])
    .optional(),
});

/** Validates {@link CircuitBreakerOptions}. */
export const circuitBreakerOptionsSchema = z.object({
  name: z.string().min(1).max(200).default('default'),
  consecutiveFailures: positiveInteger.optional(),
  failureRate: z
    .object({
      threshold: z.number().gt(0).lte(1),
      minimumVolume: positiveInteger,
      window: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('count'), size: positiveInteger.max(10_000) }),
        z.object({
          kind: z.literal('time'),
          durationMs: positiveInteger,
          buckets: positiveInteger.max(1_000).default(10),
        }),
      ]),
    })
    .optional(),
  halfOpenAfterMs: positiveInteger.default(30_000),
  halfOpenMaxProbes: positiveInteger.max(1_000).default(1),
  isFault: z.custom<FaultClassifier>((value) => typeof value === 'function').optional(),
  initialState: snapshotSchema.optional(),
  store: z
    .custom<BreakerStateStore>(
      (value) =>
        typeof (value as BreakerStateStore | undefined)?.read === 'function' &&
        typeof (value as BreakerStateStore | undefined)?.write === 'function',
      'expected a BreakerStateStore',
    )
    .optional(),
  syncIntervalMs: positiveInteger.default(1_000),
  instanceId: z.string().min(1).max(200).optional(),
  clock: z.custom<Clock>((value) => typeof (value as Clock | undefined)?.now === 'function').optional(),
  logger: z.custom<Logger>((value) => typeof (value as Logger | undefined)?.warn === 'function').optional(),
});
