export {
  type RateLimitStore,
  type RateRule,
  type RateCheck,
  type RateStoreDecision,
  type RateDecision,
} from './rate-limit-store.js';
export { MemoryRateLimitStore, type MemoryRateLimitStoreOptions } from './memory-rate-limit-store.js';
export { createRateLimiter, type RateLimiter, type RateLimitKeys } from './rate-limiter.js';
export {
  type RateLimiterOptions,
  type RateLimiterRule,
  type RateLimitChainLink,
  type RateLimitBreakerOptions,
} from './rate-limiter-options.js';
