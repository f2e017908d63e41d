import { z } from 'zod';
import { type Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { parseOptions } from '../errors/parse-options.js';
import { AbortedError, InvalidOptionsError } from '../errors/subclasses.js';
import {
  type BreakerStateRecord,
  type BreakerStateStore,
  type BreakerStoreCallOptions,
  type BreakerStoreWriteOptions,
  type StoredBreakerState,
  isNewerBreakerRecord,
} from './breaker-state-store.js';

/** Options of {@link MemoryBreakerStateStore}. */
export interface MemoryBreakerStateStoreOptions {
  /** The clock that expires entries. Default: the system clock. */
  clock?: Clock;
}

const optionsSchema = z.object({
  clock: z.custom<Clock>((value) => typeof (value as Clock | undefined)?.now === 'function').optional(),
});

function checkTtl(ttlMs: number): number {
  if (!Number.isInteger(ttlMs) || ttlMs <= 0) {
    throw new InvalidOptionsError(
      `MemoryBreakerStateStore: ttlMs: expected a positive integer, got ${ttlMs}`,
    );
  }
  return ttlMs;
}

interface Expiring<T> {
  value: T;
  expiresAtMs: number;
}

/** Runs a synchronous store operation as a promise: a throw becomes a rejection. */
function settle<T>(operation: () => T): Promise<T> {
  try {
    return Promise.resolve(operation());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function throwIfAborted(options: BreakerStoreCallOptions | undefined): void {
  if (options?.signal?.aborted === true) throw new AbortedError();
}

/**
 * The in-memory {@link BreakerStateStore}: shares breaker state between the breakers of one
 * process (e.g. one per worker of a provider). Use `RedisBreakerStateStore` to share across
 * processes.
 *
 * @example
 * ```ts
 * const store = new MemoryBreakerStateStore();
 * const first = createCircuitBreaker({ name: 'openai', store });
 * const second = createCircuitBreaker({ name: 'openai', store });
 * ```
 */
export class MemoryBreakerStateStore implements BreakerStateStore {
  readonly #clock: Clock;
  readonly #records = new Map<string, Expiring<StoredBreakerState>>();
  readonly #cooldowns = new Map<string, Expiring<number>>();

  constructor(options: MemoryBreakerStateStoreOptions = {}) {
    const parsed = parseOptions('MemoryBreakerStateStore', optionsSchema, options);
    this.#clock = parsed.clock ?? systemClock;
  }

  read(name: string, options?: BreakerStoreCallOptions): Promise<StoredBreakerState | undefined> {
    return settle(() => {
      throwIfAborted(options);
      const entry = this.#live(this.#records, name);
      return entry === undefined ? undefined : { ...entry.value };
    });
  }

  write(
    name: string,
    record: BreakerStateRecord,
    options: BreakerStoreWriteOptions,
  ): Promise<StoredBreakerState> {
    return settle(() => {
      throwIfAborted(options);
      const ttlMs = checkTtl(options.ttlMs);
      const stored = this.#live(this.#records, name)?.value;
      if (!isNewerBreakerRecord(record, stored) && stored !== undefined) return { ...stored };
      const next: StoredBreakerState = {
        state: record.state,
        changedAtMs: record.changedAtMs,
        writerId: record.writerId,
        version: (stored?.version ?? 0) + 1,
      };
      this.#records.set(name, { value: next, expiresAtMs: this.#clock.now() + ttlMs });
      return { ...next };
    });
  }

  readCooldown(name: string, options?: BreakerStoreCallOptions): Promise<number> {
    return settle(() => {
      throwIfAborted(options);
      return this.#live(this.#cooldowns, name)?.value ?? 0;
    });
  }

  extendCooldown(name: string, untilMs: number, options: BreakerStoreWriteOptions): Promise<number> {
    return settle(() => {
      throwIfAborted(options);
      const ttlMs = checkTtl(options.ttlMs);
      const stored = this.#live(this.#cooldowns, name);
      const expiresAtMs = this.#clock.now() + ttlMs;
      if (stored !== undefined && stored.value >= untilMs) {
        stored.expiresAtMs = Math.max(stored.expiresAtMs, expiresAtMs);
        return stored.value;
      }
      this.#cooldowns.set(name, { value: untilMs, expiresAtMs });
      return untilMs;
    });
  }

  #live<T>(map: Map<string, Expiring<T>>, name: string): Expiring<T> | undefined {
    const entry = map.get(name);
    if (entry === undefined) return undefined;
    if (entry.expiresAtMs <= this.#clock.now()) {
      map.delete(name);
      return undefined;
    }
    return entry;
  }
}
