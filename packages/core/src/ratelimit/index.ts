export {
  type RateLimitStore,
  type RateRule,
  type RateCheck,
  type RateStoreDecision,
  type RateDecision,
} from './rate-limit-store.js';
