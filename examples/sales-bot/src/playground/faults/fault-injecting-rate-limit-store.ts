import { type RateLimitStore, StoreUnavailableError } from '@botkeel/core';

/** Options of {@link withRateLimitStoreFaults}. */
export interface RateLimitStoreFaultOptions {
  /** The name the chain, its logs and decisions use (default: the wrapped store's). */
  readonly name?: string;
  /** Asked on every call: true makes the store fail like an unreachable Redis. */
  readonly isDown: () => boolean;
}

/**
 * Wraps a real rate-limit store so a playground switch can take it "down": every call then fails
 * with `STORE_UNAVAILABLE` and the limiter chain hands the decision to its next store. The wrapper
 * answers asynchronously only (no `consumeSync`), like a networked store, so the chain's timeout and
 * breaker apply to it.
 */
export function withRateLimitStoreFaults(
  store: RateLimitStore,
  options: RateLimitStoreFaultOptions,
): RateLimitStore {
  const name = options.name ?? store.name;
  return {
    name,
    consume(checks, cost, callOptions) {
      if (options.isDown()) {
        return Promise.reject(
          new StoreUnavailableError(name, `${name}: injected outage (playground switch)`),
        );
      }
      return store.consume(checks, cost, callOptions);
    },
  };
}
