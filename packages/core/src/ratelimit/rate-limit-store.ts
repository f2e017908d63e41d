/**
 * One limit: at most `limit` units per `windowMs`, spread evenly (GCRA), with `burst` units allowed
 * at once (default: `limit`).
 *
 * @example
 * ```ts
 * const perUser: RateRule = { limit: 20, windowMs: 60_000, burst: 5 };
 * ```
 */
export interface RateRule {
  /** Units per window. Positive integer. */
  limit: number;
  /** The window in milliseconds. */
  windowMs: number;
  /** Units that may be spent at once. Default `limit`. */
  burst?: number;
}

/** One rule applied to one key, as a store receives it. */
export interface RateCheck {
  /** The full key, e.g. `user:42` or `global`. */
  key: string;
  rule: RateRule;
}

/** A store's answer for a set of checks decided together. */
export interface RateStoreDecision {
  /** True when every check allowed the cost; then every check consumed it, otherwise none did. */
  allowed: boolean;
  /** The smallest number of units left over all checks after this decision. */
  remaining: number;
  /**
   * When denied: whole milliseconds, rounded up, until the cost would be allowed (the largest over
   * denying checks); `Infinity` when the cost exceeds a rule's burst and can never pass. Else 0.
   */
  retryAfterMs: number;
}

/**
 * A place that keeps rate-limit state: memory, Redis, …. The limiter (`createRateLimiter`) puts
 * several stores in a chain and falls back along it when one fails.
 *
 * Contract, checked by `rateLimitStoreConformance` in `@botkeel/core/testing`:
 * - all checks of one call are decided together: allowed only when each allows, and nothing is
 *   consumed when any denies (the keys of one call are distinct; a key's state belongs to its rule);
 * - decisions are exact under concurrency (no more than `burst` allowed at once per key);
 * - an unreachable backend rejects (`STORE_UNAVAILABLE`), so the chain can hand over.
 *
 * @example
 * ```ts
 * const decision = await store.consume([{ key: 'user:42', rule: { limit: 20, windowMs: 60_000 } }], 1);
 * ```
 */
export interface RateLimitStore {
  /** A short name reported as the `source` of its decisions, e.g. `'memory'`, `'redis'`. */
  readonly name: string;
  /**
   * Present only on a store that decides inside this process without I/O (it can be neither slow
   * nor unreachable), like `MemoryRateLimitStore`: the same decision as `consume`, returned
   * synchronously. The limiter then calls it directly, without a timeout or a circuit breaker,
   * which would only add cost. Stores with a backend leave it out.
   */
  consumeSync?(checks: readonly RateCheck[], cost: number): RateStoreDecision;
  /** Tries to spend `cost` units on every check at once. */
  consume(
    checks: readonly RateCheck[],
    cost: number,
    options?: { signal?: AbortSignal },
  ): Promise<RateStoreDecision>;
}

/**
 * What `limiter.consume` answers: the store decision plus which store made it, or `'policy'` when
 * every store failed and `whenAllFail` decided.
 */
export interface RateDecision extends RateStoreDecision {
  /** The `name` of the store that decided, or `'policy'`. */
  source: string;
}
