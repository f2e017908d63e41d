import { randomUUID } from 'node:crypto';
import { type Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { parseOptions } from '../errors/parse-options.js';
import { AbortedError } from '../errors/subclasses.js';
import { type Logger } from '../logger/logger.js';
import { createSafeLogger } from '../logger/safe-logger.js';
import {
  type BreakerStateStore,
  type StoredBreakerState,
  isNewerBreakerRecord,
} from './breaker-state-store.js';
import { recordCircuitState, recordCircuitTransition } from './breaker-telemetry.js';
import {
  type CircuitBreakerOptions,
  type CircuitBreakerSnapshot,
  circuitBreakerOptionsSchema,
} from './circuit-breaker-options.js';
import { CircuitOpenError } from './circuit-open-error.js';
import { type CircuitBreaker, type CircuitEvent, type CircuitStateChange } from './circuit-breaker-types.js';
import { type CircuitState } from './circuit-state.js';
import { type FaultClassifier, isProviderFault } from './fault-classifier.js';
import { CountWindow, type OutcomeWindow, TimeWindow } from './outcome-window.js';

// Re-exported so modules that import the breaker's types from here keep working.
export { type CircuitBreaker, type CircuitEvent, type CircuitStateChange } from './circuit-breaker-types.js';

const refused = -1;

class CircuitBreakerImplementation implements CircuitBreaker {
  readonly name: string;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #isFault: FaultClassifier;
  readonly #consecutiveLimit: number;
  readonly #rateThreshold: number;
  readonly #minimumVolume: number;
  readonly #window: OutcomeWindow | undefined;
  readonly #isTimeWindow: boolean;
  readonly #halfOpenAfterMs: number;
  readonly #maxProbes: number;
  readonly #store: BreakerStateStore | undefined;
  readonly #syncIntervalMs: number;
  readonly #instanceId: string;
  #state: CircuitState = 'closed';
  /** 0 until the first transition. */
  #changedAtMs: number;
  /** True until the first transition or restore: then any shared record is newer. */
  #isPristine = true;
  #openedAtMs = 0;
  #consecutive = 0;
  #probes = 0;
  #generation = 0;
  #nextSyncAtMs = 0;
  #syncing: Promise<void> | undefined;
  #listeners: Map<CircuitEvent, Set<(change: CircuitStateChange) => void>> | undefined;

  constructor(options: CircuitBreakerOptions) {
    const parsed = parseOptions('createCircuitBreaker', circuitBreakerOptionsSchema, options);
    this.name = parsed.name;
    this.#clock = parsed.clock ?? systemClock;
    this.#logger = createSafeLogger(parsed.logger);
    this.#isFault = parsed.isFault ?? isProviderFault;
    const rate = parsed.failureRate;
    this.#consecutiveLimit =
      parsed.consecutiveFailures ?? (rate === undefined ? 5 : Number.POSITIVE_INFINITY);
    this.#rateThreshold = rate?.threshold ?? 2;
    this.#minimumVolume = rate?.minimumVolume ?? Number.POSITIVE_INFINITY;
    this.#isTimeWindow = rate?.window.kind === 'time';
    if (rate !== undefined) {
      this.#window =
        rate.window.kind === 'count'
          ? new CountWindow(rate.window.size)
          : new TimeWindow(rate.window.durationMs, rate.window.buckets);
    }
    this.#halfOpenAfterMs = parsed.halfOpenAfterMs;
    this.#maxProbes = parsed.halfOpenMaxProbes;
    this.#store = parsed.store;
    this.#syncIntervalMs = parsed.syncIntervalMs;
    this.#instanceId = parsed.instanceId ?? (parsed.store === undefined ? '' : randomUUID());
    this.#changedAtMs = 0;
    const initial = parsed.initialState;
    if (initial !== undefined) {
      this.#isPristine = false;
      this.#state = initial.state;
      this.#changedAtMs = initial.changedAtMs;
      this.#openedAtMs = initial.openedAtMs;
      this.#consecutive = initial.consecutiveFailures;
      if (initial.window !== undefined) this.#window?.restore(initial.window);
    }
    recordCircuitState(this.name, this.#state);
  }

  get state(): CircuitState {
    if (this.#state === 'open' && this.#clock.now() >= this.#openedAtMs + this.#halfOpenAfterMs) {
      this.#transition('half-open', this.#openedAtMs + this.#halfOpenAfterMs, 'local');
    }
    return this.#state;
  }

  isCallPermitted(): boolean {
    if (this.#store !== undefined) this.#maybeSync();
    const state = this.state;
    return state === 'closed' || (state === 'half-open' && this.#probes < this.#maxProbes);
  }

  execute<T>(fn: (signal: AbortSignal | undefined) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted === true) return Promise.reject(new AbortedError());
    const ticket = this.#acquire();
    if (ticket === refused) return Promise.reject(this.#openError());
    return this.#run(fn, signal, ticket);
  }

  on(event: CircuitEvent, listener: (change: CircuitStateChange) => void): () => void {
    this.#listeners ??= new Map();
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  sync(signal?: AbortSignal): Promise<void> {
    const store = this.#store;
    if (store === undefined) return Promise.resolve();
    this.#nextSyncAtMs = this.#clock.now() + this.#syncIntervalMs;
    const reading = store.read(this.name, { signal }).then(
      (record) => {
        if (record !== undefined) this.#adopt(record);
      },
      (error: unknown) => {
        this.#logger.warn({ breaker: this.name, err: error }, 'circuit breaker: shared state unreadable');
      },
    );
    this.#syncing = reading.finally(() => {
      this.#syncing = undefined;
    });
    return this.#syncing;
  }

  reset(): void {
    if (this.#state !== 'closed') this.#transition('closed', this.#clock.now(), 'local');
    this.#consecutive = 0;
    this.#window?.clear();
  }

  toJSON(): CircuitBreakerSnapshot {
    const state = this.state;
    const snapshot: CircuitBreakerSnapshot = {
      version: 1,
      state,
      changedAtMs: this.#changedAtMs,
      openedAtMs: this.#openedAtMs,
      consecutiveFailures: this.#consecutive,
    };
    if (this.#window !== undefined) snapshot.window = this.#window.toJSON();
    return snapshot;
  }

  #acquire(): number {
    if (this.#store !== undefined) this.#maybeSync();
    if (this.#state === 'closed') return this.#generation;
    if (this.state === 'half-open' && this.#probes < this.#maxProbes) {
      this.#probes += 1;
      return this.#generation;
    }
    return refused;
  }

  /** Calls `fn` and records its outcome; `.then` rather than `async` keeps the fast path to one promise. */
  #run<T>(
    fn: (signal: AbortSignal | undefined) => Promise<T>,
    signal: AbortSignal | undefined,
    ticket: number,
  ): Promise<T> {
    let work: Promise<T>;
    try {
      work = fn(signal);
    } catch (error) {
      this.#onFailure(error, signal, ticket);
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the work's own rejection passes through unchanged
      return Promise.reject(error);
    }
    return work.then(
      (value) => {
        this.#onSuccess(ticket);
        return value;
      },
      (error: unknown) => {
        this.#onFailure(error, signal, ticket);
        throw error;
      },
    );
  }

  #onSuccess(ticket: number): void {
    if (ticket !== this.#generation) return;
    if (this.#state === 'half-open') {
      this.#probes -= 1;
      this.#transition('closed', this.#clock.now(), 'local');
      return;
    }
    this.#consecutive = 0;
    this.#window?.record(false, this.#isTimeWindow ? this.#clock.now() : 0);
  }

  #onFailure(error: unknown, signal: AbortSignal | undefined, ticket: number): void {
    if (ticket !== this.#generation) return;
    const isFault = signal?.aborted !== true && this.#isFault(error);
    if (this.#state === 'half-open') {
      this.#probes -= 1;
      if (isFault) this.#open(this.#clock.now());
      return;
    }
    if (!isFault) return;
    this.#consecutive += 1;
    const nowMs = this.#window !== undefined && this.#isTimeWindow ? this.#clock.now() : 0;
    this.#window?.record(true, nowMs);
    if (this.#consecutive >= this.#consecutiveLimit || this.#isRateExceeded(nowMs))
      this.#open(this.#clock.now());
  }

  #isRateExceeded(nowMs: number): boolean {
    const window = this.#window;
    if (window === undefined) return false;
    const total = window.total(nowMs);
    return total >= this.#minimumVolume && window.failures(nowMs) / total >= this.#rateThreshold;
  }

  #open(nowMs: number): void {
    this.#openedAtMs = nowMs;
    this.#transition('open', nowMs, 'local');
  }

  #openError(): CircuitOpenError {
    const wait = this.#state === 'open' ? this.#openedAtMs + this.#halfOpenAfterMs - this.#clock.now() : 0;
    return new CircuitOpenError(this.name, Math.max(0, wait));
  }

  #transition(to: CircuitState, atMs: number, source: 'local' | 'shared'): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.#changedAtMs = atMs;
    this.#isPristine = false;
    this.#generation += 1;
    this.#probes = 0;
    if (to === 'closed') {
      this.#consecutive = 0;
      this.#window?.clear();
    }
    recordCircuitTransition(this.name, from, to);
    if (source === 'local' && to !== 'half-open') this.#publish(to, atMs);
    this.#emit({ breaker: this.name, from, to, atMs, source });
  }

  #emit(change: CircuitStateChange): void {
    if (this.#listeners === undefined) return;
    const specific =
      change.to === 'open' ? 'circuit-open' : change.to === 'closed' ? 'circuit-close' : 'circuit-half-open';
    for (const event of [specific, 'state-change'] as const) {
      for (const listener of this.#listeners.get(event) ?? []) {
        try {
          listener(change);
        } catch (error) {
          this.#logger.warn({ breaker: this.name, err: error }, 'circuit breaker: a state listener threw');
        }
      }
    }
  }

  #maybeSync(): void {
    if (this.#syncing !== undefined || this.#clock.now() < this.#nextSyncAtMs) return;
    void this.sync();
  }

  #publish(state: 'open' | 'closed', changedAtMs: number): void {
    const store = this.#store;
    if (store === undefined) return;
    const ttlMs = Math.max(60_000, this.#halfOpenAfterMs * 4);
    store.write(this.name, { state, changedAtMs, writerId: this.#instanceId }, { ttlMs }).then(
      (stored) => this.#adopt(stored),
      (error: unknown) => {
        this.#logger.warn({ breaker: this.name, err: error }, 'circuit breaker: shared state not written');
      },
    );
  }

  /** Takes over a newer state another instance wrote. */
  #adopt(record: StoredBreakerState): void {
    if (record.writerId === this.#instanceId) return;
    if (
      !this.#isPristine &&
      !isNewerBreakerRecord(record, {
        state: 'closed',
        changedAtMs: this.#changedAtMs,
        writerId: this.#instanceId,
      })
    ) {
      return;
    }
    this.#isPristine = false;
    if (record.state === 'open') {
      this.#openedAtMs = record.changedAtMs;
      if (this.#state === 'open') this.#changedAtMs = record.changedAtMs;
      else this.#transition('open', record.changedAtMs, 'shared');
    } else if (this.#state === 'closed') {
      this.#changedAtMs = record.changedAtMs;
    } else {
      this.#transition('closed', record.changedAtMs, 'shared');
    }
  }
}

/**
 * Creates a circuit breaker: after `consecutiveFailures` provider faults in a row, or a failure
 * rate of `failureRate.threshold` over a sliding window holding at least `minimumVolume` calls, it
 * opens and refuses calls at once; after `halfOpenAfterMs` it lets `halfOpenMaxProbes` probes
 * through, closing on a probe's success and re-opening on its fault. Only errors `isFault` calls
 * faults count (a 400 caused by the input does not). The fast path allocates no timer and no
 * listener. With a `store`, instances share open/closed transitions (staleness ≤ `syncIntervalMs`).
 *
 * @example
 * ```ts
 * const breaker = createCircuitBreaker({ name: 'openai', consecutiveFailures: 5, halfOpenAfterMs: 30_000 });
 * breaker.on('circuit-open', ({ breaker: name }) => logger.warn({ name }, 'circuit open'));
 * const reply = await breaker.execute((signal) => client.chat.completions.create(body, { signal }), signal);
 * ```
 */
export function createCircuitBreaker(options: CircuitBreakerOptions = {}): CircuitBreaker {
  return new CircuitBreakerImplementation(options);
}
