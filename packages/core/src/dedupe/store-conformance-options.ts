import { randomUUID } from 'node:crypto';
import { type Clock } from '../clock/clock.js';
import { createManualClock } from '../clock/manual-clock.js';
import { systemClock } from '../clock/system-clock.js';

/** What a conformance suite hands to the store factory for each test. */
export interface StoreFactoryContext {
  /**
   * The clock the store must read when it takes one: a manual clock in `time: 'manual'` mode (the
   * suite moves it), the system clock in `time: 'real'` mode.
   */
  clock: Clock;
}

/**
 * Builds a fresh store for one test. It may share a client and key prefix with other tests: the
 * suites use a random key per test, so they never see each other's keys.
 */
export type StoreFactory<Store> = (context: StoreFactoryContext) => Store | Promise<Store>;

/**
 * Options of every Botkeel store conformance suite (`dedupeStoreConformance`,
 * `rateLimitStoreConformance`, `idempotencyStoreConformance`).
 *
 * Choosing `time`:
 * - `'manual'` (default) is for stores that read every "now" from the injected clock: the memory
 *   stores, and Redis/Postgres stores that send `clock.now()` to the server as an argument. The suite
 *   passes a manual clock and advances it, so expiry is checked to the millisecond and nothing sleeps.
 * - `'real'` is for stores whose backend keeps time itself (Redis `TIME` or `PX`, Postgres `now()`),
 *   where moving a manual clock would change nothing. The suite passes `systemClock` and really
 *   waits. Expiry checks use short leases and TTLs (`realDurationMs`, default 100 ms) and wait three
 *   times that before asserting expiry; "still held" checks use durations of minutes, so a slow CI
 *   machine can make a real-time run slower, never flaky.
 *
 * @example
 * ```ts
 * dedupeStoreConformance(() => new RedisDedupeStore({ client, keyPrefix }), { name: 'RedisDedupeStore', time: 'real' });
 * ```
 */
export interface StoreConformanceOptions<Store> {
  /** Names the store in the `describe` title. */
  name?: string;
  /** How time moves for the store; see above. Default `'manual'`. */
  time?: 'manual' | 'real';
  /** In `'real'` mode: the short lease/TTL used by expiry checks, in ms. Default 100. */
  realDurationMs?: number;
  /**
   * Builds a store whose backend cannot be reached (e.g. a client for a closed port with the offline
   * queue off). When given, the suite checks that its calls reject with `STORE_UNAVAILABLE`.
   */
  makeUnavailableStore?: () => Store | Promise<Store>;
}

/** One test's view of time: the clock to hand to the store and a way to let time pass. */
export interface ConformanceTime {
  readonly clock: Clock;
  readonly isManual: boolean;
  /** A short duration expiry checks use: 1 s on a manual clock, `realDurationMs` in real time. */
  readonly shortMs: number;
  /** Lets `ms` pass: advances the manual clock, or waits on the system clock. */
  pass(ms: number): Promise<void>;
  /** Lets a short duration certainly run out: `shortMs` exactly on a manual clock, three times it in real time. */
  passShort(): Promise<void>;
}

/** Builds the per-test time driver for the chosen mode. */
export function conformanceTime(options: {
  time?: 'manual' | 'real';
  realDurationMs?: number;
}): ConformanceTime {
  if (options.time === 'real') {
    const shortMs = options.realDurationMs ?? 100;
    const pass = (ms: number): Promise<void> =>
      new Promise((resolve) => {
        systemClock.setTimeout(resolve, ms);
      });
    return { clock: systemClock, isManual: false, shortMs, pass, passShort: () => pass(shortMs * 3) };
  }
  const clock = createManualClock(1_700_000_000_000);
  const shortMs = 1_000;
  const pass = (ms: number): Promise<void> => clock.advanceAsync(ms);
  return { clock, isManual: true, shortMs, pass, passShort: () => pass(shortMs) };
}

/** A key no other test (or earlier run against a shared server) uses. */
export function uniqueKey(label: string): string {
  return `conformance:${label}:${randomUUID()}`;
}

/** Runs `count` calls of `fn` at once and returns how often each answer came back. */
export async function countConcurrent<T extends string>(
  count: number,
  fn: () => Promise<T>,
): Promise<Map<T, number>> {
  const results = await Promise.all(Array.from({ length: count }, fn));
  const counts = new Map<T, number>();
  for (const result of results) counts.set(result, (counts.get(result) ?? 0) + 1);
  return counts;
}
