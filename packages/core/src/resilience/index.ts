export { type CircuitState } from './circuit-state.js';
export { createCircuitBreaker } from './circuit-breaker.js';
export { type CircuitBreaker, type CircuitEvent, type CircuitStateChange } from './circuit-breaker-types.js';
export {
  type CircuitBreakerOptions,
  type CircuitBreakerSnapshot,
  type FailureRateOptions,
  type CountWindowOptions,
  type TimeWindowOptions,
} from './circuit-breaker-options.js';
export { type OutcomeWindowSnapshot } from './outcome-window.js';
export { CircuitOpenError } from './circuit-open-error.js';
export { ProviderError, type ProviderErrorOptions, type ProviderFaultKind } from './provider-error.js';
export { isProviderFault, isRetryableError, retryAfterOf, type FaultClassifier } from './fault-classifier.js';
export {
  isNewerBreakerRecord,
  type BreakerStateStore,
  type BreakerStateRecord,
  type StoredBreakerState,
  type BreakerStoreCallOptions,
  type BreakerStoreWriteOptions,
} from './breaker-state-store.js';
export {
  MemoryBreakerStateStore,
  type MemoryBreakerStateStoreOptions,
} from './memory-breaker-state-store.js';
export { retry, backoffDelay } from './retry.js';
export { type RetryOptions, type RetryContext, type RetryEvent } from './retry-options.js';
export { createSeededRandom } from './seeded-random.js';
export { withTimeout, type WithTimeoutOptions } from './with-timeout.js';
export { createBulkhead, type Bulkhead, type BulkheadOptions } from './bulkhead.js';
