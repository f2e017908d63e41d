export {
  type RateLimitStore,
  type RateRule,
  type RateCheck,
  type RateStoreDecision,
  type RateDecision,
} from './rate-limit-store.js';
export { MemoryRateLimitStore, type MemoryRateLimitStoreOptions } from './memory-rate-limit-store.js';
