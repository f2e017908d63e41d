import { type CircuitState } from './circuit-state.js';

/**
 * One breaker's shared state as an instance publishes it. Only `open` and `closed` are published:
 * half-open probing is local to each instance.
 */
export interface BreakerStateRecord {
  /** The state the writer moved to. */
  state: Exclude<CircuitState, 'half-open'>;
  /**
   * When the writer made that transition, in milliseconds since the epoch by the writer's clock.
   * A record is newer than another when this is later; ties go to the larger `writerId`.
   */
  changedAtMs: number;
  /** A stable id of the writing instance, e.g. `hostname:pid:random`. */
  writerId: string;
}

/** A {@link BreakerStateRecord} as stored, with the version the store gave it. */
export interface StoredBreakerState extends BreakerStateRecord {
  /** Starts at 1 and grows by 1 with every accepted write (a record that expired starts again). */
  version: number;
}

/** Options of a store call. */
export interface BreakerStoreCallOptions {
  /** Aborts the call; the store rejects with an `ABORTED` error. */
  signal?: AbortSignal;
}

/** Options of {@link BreakerStateStore.write} and {@link BreakerStateStore.extendCooldown}. */
export interface BreakerStoreWriteOptions extends BreakerStoreCallOptions {
  /** How long the store keeps the entry after this write. Positive integer. */
  ttlMs: number;
}

/**
 * Where circuit breakers (and the LLM router's 429 cooldowns) share their state, so one instance's
 * open circuit is seen by all: memory here ({@link MemoryBreakerStateStore}), Redis in
 * `@botkeel/store-redis` (`RedisBreakerStateStore`).
 *
 * Breakers read it at most every `syncIntervalMs` and write it on their own transitions, in the
 * background: a slow or failing store never blocks or fails a call, and an instance sees another's
 * transition within `syncIntervalMs` plus one store round trip (bounded staleness).
 *
 * Time is the writer's clock, passed in the records (`changedAtMs`, `untilMs`); the store compares
 * values and never reads a clock of its own except to expire entries after `ttlMs`.
 *
 * Contract, checked by `breakerStateStoreConformance` in `@botkeel/core/testing`:
 * - `write` is a newest-wins compare-and-set: it stores the record only when none is stored or the
 *   record is newer (later `changedAtMs`; on a tie, the larger `writerId`), atomically, and answers
 *   the record stored afterwards either way;
 * - every accepted write increments `version`;
 * - `extendCooldown` keeps the later of the stored and the given `untilMs`, atomically;
 * - entries disappear after their `ttlMs`; names are independent;
 * - an unreachable backend rejects (`STORE_UNAVAILABLE`).
 *
 * @example
 * ```ts
 * const store = new MemoryBreakerStateStore();
 * const breaker = createCircuitBreaker({ name: 'openai', store, syncIntervalMs: 1_000 });
 * ```
 */
export interface BreakerStateStore {
  /** The shared state of breaker `name`, or `undefined` when none is stored. */
  read(name: string, options?: BreakerStoreCallOptions): Promise<StoredBreakerState | undefined>;
  /**
   * Stores `record` for breaker `name` when it is newer than the stored one (compare-and-set),
   * and answers what is stored afterwards: `record` with its new version, or the newer one that won.
   */
  write(
    name: string,
    record: BreakerStateRecord,
    options: BreakerStoreWriteOptions,
  ): Promise<StoredBreakerState>;
  /** When the cooldown of `name` ends (ms since the epoch), or 0 when none is stored. */
  readCooldown(name: string, options?: BreakerStoreCallOptions): Promise<number>;
  /**
   * Extends the cooldown of `name` to `untilMs` unless a later one is stored, and answers the
   * cooldown end stored afterwards.
   */
  extendCooldown(name: string, untilMs: number, options: BreakerStoreWriteOptions): Promise<number>;
}

/**
 * True when `candidate` is newer than `stored` by the {@link BreakerStateStore} ordering: later
 * `changedAtMs`, then the larger `writerId` (plain string comparison).
 *
 * @example
 * ```ts
 * isNewerBreakerRecord({ state: 'open', changedAtMs: 2, writerId: 'a' }, { state: 'closed', changedAtMs: 1, writerId: 'b' }); // true
 * ```
 */
export function isNewerBreakerRecord(
  candidate: BreakerStateRecord,
  stored: BreakerStateRecord | undefined,
): boolean {
  if (stored === undefined) return true;
  if (candidate.changedAtMs !== stored.changedAtMs) return candidate.changedAtMs > stored.changedAtMs;
  return candidate.writerId > stored.writerId;
}
