import { type Attributes, type Counter } from '@opentelemetry/api';
import { systemClock } from '../clock/system-clock.js';
import { BotkeelError } from '../errors/botkeel-error.js';
import { parseOptions } from '../errors/parse-options.js';
import { AbortedError, InvalidOptionsError } from '../errors/subclasses.js';
import { createSafeLogger } from '../logger/safe-logger.js';
import { type CircuitBreaker, createCircuitBreaker } from '../resilience/circuit-breaker.js';
import { type CircuitBreakerOptions } from '../resilience/circuit-breaker-options.js';
import { withTimeout } from '../resilience/with-timeout.js';
import { MetricNames } from '../telemetry/names.js';
import { botkeelMeter } from '../telemetry/instruments.js';
import {
  type RateCheck,
  type RateDecision,
  type RateLimitStore,
  type RateRule,
  type RateStoreDecision,
} from './rate-limit-store.js';
import { type RateLimiterOptions, rateLimiterOptionsSchema } from './rate-limiter-options.js';

/** The keys of one `consume`: one id for every rule, or an id per rule name. */
export type RateLimitKeys = string | Readonly<Record<string, string>>;

/** A rate limiter built by {@link createRateLimiter}. */
export interface RateLimiter {
  /**
   * Spends `cost` (default 1) on every rule its `keys` name, all or nothing, in the first store of
   * the chain that answers within `storeTimeoutMs`; when none does, `whenAllFail` decides
   * (`source: 'policy'`). Rejects only with `ABORTED` (the caller's signal) or `INVALID_OPTIONS`.
   *
   * @param keys - a string applies every rule to that id; a record applies each named rule to its id
   *   (rules it does not name are skipped; it must name at least one)
   */
  consume(keys: RateLimitKeys, cost?: number, options?: { signal?: AbortSignal }): Promise<RateDecision>;
}

interface Link {
  readonly store: RateLimitStore;
  /** The rules as this store receives them (scaled down by its divisor). */
  readonly rules: readonly RateRule[];
  readonly breaker: CircuitBreaker;
  /** Metric attributes of its decisions: `[denied, allowed]`. */
  readonly attributes: readonly [Attributes, Attributes];
  isFailing: boolean;
}

type FailureReason = 'error' | 'timeout' | 'circuit-open';

/**
 * Creates a rate limiter over a chain of stores that never silently turns off: a store that errors
 * or takes longer than `storeTimeoutMs` (default 50 ms) hands the decision to the next one; a
 * per-store circuit breaker skips a store that keeps failing, so an outage adds no latency, and
 * probes it to come back (in the background while a later store can decide, so no call waits for a
 * probe); when every store failed, `whenAllFail` decides (default `'deny'`).
 * Each change (a store failing, recovering, the policy taking over or handing back) is logged once;
 * every decision not made by the first store counts in `botkeel.ratelimit.fallbacks`.
 *
 * @example
 * ```ts
 * const limiter = createRateLimiter({
 *   rules: [
 *     { name: 'user', limit: 20, windowMs: 60_000, burst: 5 },
 *     { name: 'global', limit: 1_000, windowMs: 1_000 },
 *   ],
 *   chain: [new RedisRateLimitStore({ client, keyPrefix: 'bot' }), { store: new MemoryRateLimitStore(), limitDivisor: 4 }],
 *   whenAllFail: 'deny',
 * });
 * const decision = await limiter.consume({ user: String(userId), global: 'all' });
 * if (!decision.allowed) return { status: 'rate-limited' };
 * ```
 */
export function createRateLimiter(options: RateLimiterOptions): RateLimiter {
  const parsed = parseOptions('createRateLimiter', rateLimiterOptionsSchema, options);
  const clock = parsed.clock ?? systemClock;
  const logger = createSafeLogger(parsed.logger);
  const storeTimeoutMs = parsed.storeTimeoutMs ?? 50;
  const isAllowedWhenAllFail = parsed.whenAllFail === 'allow';
  const policyRetryAfterMs = parsed.policyRetryAfterMs ?? 1_000;
  const breakerSettings: CircuitBreakerOptions = {
    halfOpenAfterMs: parsed.breaker?.halfOpenAfterMs ?? 250,
    halfOpenMaxProbes: parsed.breaker?.halfOpenMaxProbes ?? 1,
    clock,
    logger,
    isFault: isStoreFault,
  };
  if (parsed.breaker?.failureRate !== undefined) breakerSettings.failureRate = parsed.breaker.failureRate;
  const consecutiveFailures =
    parsed.breaker?.consecutiveFailures ?? (parsed.breaker?.failureRate === undefined ? 3 : undefined);
  if (consecutiveFailures !== undefined) breakerSettings.consecutiveFailures = consecutiveFailures;
  const ruleNames = parsed.rules.map((rule, index) => rule.name ?? String(index));
  const storeNames = parsed.chain.map((entry) => ('store' in entry ? entry.store : entry).name);
  const links: Link[] = parsed.chain.map((entry, index) => {
    const { store, limitDivisor = 1 } = 'store' in entry ? entry : { store: entry };
    const isNameShared =
      storeNames.indexOf(store.name) !== index || storeNames.lastIndexOf(store.name) !== index;
    return {
      store,
      rules: parsed.rules.map((rule) => scaleRule(rule, limitDivisor)),
      breaker: createCircuitBreaker({
        ...breakerSettings,
        name: `ratelimit:${store.name}${isNameShared ? `#${index}` : ''}`,
      }),
      attributes: [
        { source: store.name, allowed: false },
        { source: store.name, allowed: true },
      ],
      isFailing: false,
    };
  });
  const policyAttributes: Attributes = { source: 'policy', allowed: isAllowedWhenAllFail };
  const meter = botkeelMeter();
  const fallbacks: Counter = meter.createCounter(MetricNames.rateLimitFallbacks, {
    description: 'Rate-limit decisions handed from a failing store to the next one or to the policy',
  });
  const decisions: Counter = meter.createCounter(MetricNames.rateLimitDecisions, {
    description: 'Rate-limit decisions by source and allowed',
  });
  let isPolicyDeciding = false;

  const keyPrefixes = ruleNames.map((name) => `${name}:`);

  /** The checks `keys` name, with the rules as `link` receives them. */
  const checksFor = (link: Link, keys: RateLimitKeys): RateCheck[] => {
    const checks: RateCheck[] = [];
    for (let index = 0; index < keyPrefixes.length; index += 1) {
      const id = typeof keys === 'string' ? keys : keys[ruleNames[index] as string];
      if (id === undefined) continue;
      checks.push({ key: (keyPrefixes[index] as string) + id, rule: link.rules[index] as RateRule });
    }
    if (checks.length === 0) {
      throw new InvalidOptionsError(
        `RateLimiter.consume: keys name no rule (rules: ${ruleNames.join(', ')})`,
      );
    }
    return checks;
  };

  const callStore = (link: Link, checks: RateCheck[], cost: number, signal: AbortSignal | undefined) => {
    const storeOptions = signal === undefined ? undefined : { signal };
    return link.breaker.execute(
      () =>
        withTimeout(() => link.store.consume(checks, cost, storeOptions), storeTimeoutMs, signal, { clock }),
      signal,
    );
  };

  const noteFailure = (link: Link, index: number, reason: FailureReason, error: unknown): void => {
    if (link.isFailing) return;
    link.isFailing = true;
    const next = links[index + 1]?.store.name ?? 'policy';
    logger.warn(
      { store: link.store.name, reason, next, error: error instanceof Error ? error.message : undefined },
      `Rate-limit store "${link.store.name}" failed (${reason}); "${next}" decides until it recovers`,
    );
  };

  const noteSuccess = (link: Link): void => {
    if (!link.isFailing) return;
    link.isFailing = false;
    logger.info({ store: link.store.name }, `Rate-limit store "${link.store.name}" recovered`);
  };

  const decideByPolicy = (): RateDecision => {
    if (!isPolicyDeciding) {
      isPolicyDeciding = true;
      logger.error(
        { whenAllFail: isAllowedWhenAllFail ? 'allow' : 'deny' },
        `Every rate-limit store failed; the policy ${isAllowedWhenAllFail ? 'allows' : 'denies'} requests until one recovers`,
      );
    }
    decisions.add(1, policyAttributes);
    fallbacks.add(1, policyAttributes);
    return isAllowedWhenAllFail
      ? { allowed: true, remaining: 0, retryAfterMs: 0, source: 'policy' }
      : { allowed: false, remaining: 0, retryAfterMs: policyRetryAfterMs, source: 'policy' };
  };

  /**
   * Sends the probe of a half-open store without making the caller wait for it: the next store
   * decides this call, and the probe's outcome closes or re-opens the circuit for the calls after it.
   * (The probe may spend the cost in the probed store too: one extra unit per probe, at most.)
   */
  const probeInBackground = (link: Link, checks: RateCheck[], cost: number): void => {
    callStore(link, checks, cost, undefined).then(
      () => noteSuccess(link),
      () => undefined,
    );
  };

  /** Turns the decision of `link` (the `index`-th store) into the limiter's answer, and counts it. */
  const accept = (link: Link, index: number, decision: RateStoreDecision): RateDecision => {
    noteSuccess(link);
    if (isPolicyDeciding) {
      isPolicyDeciding = false;
      logger.info({ store: link.store.name }, `Rate-limit store "${link.store.name}" decides again`);
    }
    const attributes = link.attributes[decision.allowed ? 1 : 0];
    decisions.add(1, attributes);
    if (index > 0) fallbacks.add(1, attributes);
    return {
      allowed: decision.allowed,
      remaining: decision.remaining,
      retryAfterMs: decision.retryAfterMs,
      source: link.store.name,
    };
  };

  /** Asks the stores from `firstIndex` on, in order, then the policy. */
  const consumeFrom = async (
    firstIndex: number,
    keys: RateLimitKeys,
    cost: number,
    signal: AbortSignal | undefined,
  ): Promise<RateDecision> => {
    for (let index = firstIndex; index < links.length; index += 1) {
      const link = links[index] as Link;
      if (isAborted(signal)) throw new AbortedError('RateLimiter.consume was aborted');
      const consumeSync = link.store.consumeSync?.bind(link.store);
      if (consumeSync === undefined && !link.breaker.isCallPermitted()) {
        noteFailure(link, index, 'circuit-open', undefined);
        continue;
      }
      const checks = checksFor(link, keys);
      if (consumeSync === undefined && index + 1 < links.length && link.breaker.state === 'half-open') {
        probeInBackground(link, checks, cost);
        continue;
      }
      try {
        const decision =
          consumeSync === undefined ? await callStore(link, checks, cost, signal) : consumeSync(checks, cost);
        return accept(link, index, decision);
      } catch (error) {
        if (isAborted(signal)) throw new AbortedError('RateLimiter.consume was aborted', { cause: error });
        if (BotkeelError.hasCode(error, 'INVALID_OPTIONS')) throw error;
        noteFailure(link, index, BotkeelError.hasCode(error, 'TIMEOUT') ? 'timeout' : 'error', error);
      }
    }
    return decideByPolicy();
  };

  const consume = (
    keys: RateLimitKeys,
    cost = 1,
    callOptions?: { signal?: AbortSignal },
  ): Promise<RateDecision> => {
    if (!(cost >= 0) || !Number.isFinite(cost)) {
      return Promise.reject(
        new InvalidOptionsError('RateLimiter.consume: cost: expected a finite number ≥ 0'),
      );
    }
    const signal = callOptions?.signal;
    const first = links[0] as Link;
    // An in-process first store answers synchronously: no promise chain, no timer, no breaker.
    if (first.store.consumeSync !== undefined && !isAborted(signal)) {
      try {
        return Promise.resolve(accept(first, 0, first.store.consumeSync(checksFor(first, keys), cost)));
      } catch (error) {
        if (BotkeelError.hasCode(error, 'INVALID_OPTIONS')) return Promise.reject(error);
        noteFailure(first, 0, 'error', error);
        return consumeFrom(1, keys, cost, signal);
      }
    }
    return consumeFrom(0, keys, cost, signal);
  };

  return { consume };
}

/** A rule as a store with `limitDivisor` sees it: the rate divided exactly, the burst floored to ≥ 1. */
function scaleRule(rule: RateRule, divisor: number): RateRule {
  const burst = rule.burst ?? rule.limit;
  if (divisor === 1) return { limit: rule.limit, windowMs: rule.windowMs, burst };
  return {
    limit: rule.limit,
    windowMs: rule.windowMs * divisor,
    burst: Math.max(1, Math.floor(burst / divisor)),
  };
}

/** Whether the caller's signal fired (a function, so checks after an `await` are not narrowed away). */
function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** What counts against a store's circuit: anything but the caller's abort or invalid input. */
function isStoreFault(error: unknown): boolean {
  return !BotkeelError.hasCode(error, 'ABORTED') && !BotkeelError.hasCode(error, 'INVALID_OPTIONS');
}
