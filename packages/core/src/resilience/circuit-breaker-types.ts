import { type CircuitBreakerSnapshot } from './circuit-breaker-options.js';
import { type CircuitState } from './circuit-state.js';

/** The events a breaker emits: one per target state, and `state-change` for every transition. */
export type CircuitEvent = 'circuit-open' | 'circuit-half-open' | 'circuit-close' | 'state-change';

/** What a breaker's listeners receive. */
export interface CircuitStateChange {
  /** The breaker's name. */
  breaker: string;
  from: CircuitState;
  to: CircuitState;
  /** When it happened, by the breaker's clock (for `shared`, the writer's time). */
  atMs: number;
  /** `local` for this breaker's own outcomes or `reset()`, `shared` when adopted from the store. */
  source: 'local' | 'shared';
}

/**
 * Guards calls to a service that may fail: closed (calls pass), open (calls are refused at once
 * with a `CIRCUIT_OPEN` error), half-open (a bounded number of probes decide).
 */
export interface CircuitBreaker {
  /** The breaker's name. */
  readonly name: string;
  /** The current state (an elapsed open period turns into half-open when read). */
  readonly state: CircuitState;
  /**
   * Runs `fn` when the circuit lets it through and records its outcome; otherwise rejects with a
   * {@link CircuitOpenError} without calling `fn`. An abort of `signal` never counts as a fault.
   */
  execute<T>(fn: (signal: AbortSignal | undefined) => Promise<T>, signal?: AbortSignal): Promise<T>;
  /** True when a call would be let through now (closed, or half-open with a free probe slot). */
  isCallPermitted(): boolean;
  /** Subscribes to state changes; returns the unsubscribe function. */
  on(event: CircuitEvent, listener: (change: CircuitStateChange) => void): () => void;
  /** Reads the shared store now and adopts a newer state from another instance. No-op without a store. */
  sync(signal?: AbortSignal): Promise<void>;
  /** Closes the circuit and forgets every recorded outcome. */
  reset(): void;
  /** The state to persist or pass as `initialState` to a new breaker. */
  toJSON(): CircuitBreakerSnapshot;
}
