import { type Clock } from '../clock/clock.js';

/** The per-store gate the limiter consults before calling a store, and tells the outcome. */
export interface StoreGate {
  /** True when the store may be called now (closed, or the one probe of a half-open circuit). */
  tryAcquire(): boolean;
  /** The call succeeded. */
  recordSuccess(): void;
  /** The call failed or timed out. */
  recordFailure(): void;
}

/** Settings of {@link createStoreGate}. */
export interface StoreGateSettings {
  /** Consecutive failures that open the circuit. */
  readonly failureThreshold: number;
  /** How long an open circuit skips the store before one probe call is let through. */
  readonly cooldownMs: number;
}

/**
 * A consecutive-failure circuit for one store of the chain: after `failureThreshold` failures in a
 * row the store is skipped for `cooldownMs` (no latency added per request), then exactly one call
 * probes it; success closes the circuit, failure opens it for another cooldown.
 */
export function createStoreGate(clock: Clock, settings: StoreGateSettings): StoreGate {
  let failures = 0;
  let openUntilMs = 0;
  let isOpen = false;
  let isProbing = false;
  return {
    tryAcquire(): boolean {
      if (!isOpen) return true;
      if (isProbing || clock.now() < openUntilMs) return false;
      isProbing = true;
      return true;
    },
    recordSuccess(): void {
      failures = 0;
      isOpen = false;
      isProbing = false;
    },
    recordFailure(): void {
      failures += 1;
      if (isProbing || failures >= settings.failureThreshold) {
        isOpen = true;
        isProbing = false;
        openUntilMs = clock.now() + settings.cooldownMs;
      }
    },
  };
}
