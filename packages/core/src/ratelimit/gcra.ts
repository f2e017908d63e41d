import { InvalidOptionsError } from '../errors/subclasses.js';
import { type RateRule } from './rate-limit-store.js';

/** Float slack (ms) so that `limit` units in `windowMs` never lose a unit to rounding. */
const epsilonMs = 1e-6;

/** The derived constants of one rule: the emission interval and the bucket depth, both in ms. */
export interface GcraShape {
  /** `windowMs / limit`: the time one unit "costs". */
  readonly intervalMs: number;
  /** `burst × intervalMs`: how far ahead of now the theoretical arrival time may run. */
  readonly capacityMs: number;
}

/**
 * The GCRA constants of `rule`, validated. Exported for stores (Redis, …) that compute GCRA
 * elsewhere but want the same arithmetic.
 */
export function gcraShape(rule: RateRule): GcraShape {
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
  return { intervalMs, capacityMs: burst * intervalMs };
}

/** One check's outcome before anything is written. */
export interface GcraStep {
  readonly allowed: boolean;
  /** The theoretical arrival time to store when the whole decision is allowed. */
  readonly nextTatMs: number;
  readonly remaining: number;
  readonly retryAfterMs: number;
}

/**
 * One GCRA step. `tatMs` is the stored theoretical arrival time (or `undefined` for a new key);
 * spending `cost` moves it `cost × interval` ahead of `max(tat, now)`, and is allowed while that stays
 * within `capacity` of now. A denied step reports whole milliseconds, rounded up, until it would pass.
 */
export function gcraStep(shape: GcraShape, tatMs: number | undefined, nowMs: number, cost: number): GcraStep {
  const base = tatMs === undefined || tatMs < nowMs ? nowMs : tatMs;
  const nextTatMs = base + cost * shape.intervalMs;
  const aheadMs = nextTatMs - nowMs;
  if (aheadMs <= shape.capacityMs + epsilonMs) {
    const remaining = Math.floor((shape.capacityMs - aheadMs) / shape.intervalMs + epsilonMs);
    return { allowed: true, nextTatMs, remaining, retryAfterMs: 0 };
  }
  const remaining = Math.max(
    0,
    Math.floor((shape.capacityMs - (base - nowMs)) / shape.intervalMs + epsilonMs),
  );
  const waitMs = aheadMs - shape.capacityMs;
  const retryAfterMs =
    cost * shape.intervalMs > shape.capacityMs + epsilonMs
      ? Number.POSITIVE_INFINITY
      : Math.max(1, Math.ceil(waitMs - epsilonMs));
  return { allowed: false, nextTatMs: base, remaining, retryAfterMs };
}
