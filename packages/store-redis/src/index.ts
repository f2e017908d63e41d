/**
 * ioredis implementations of the Botkeel ports. Every store takes `{ client, keyPrefix }` with an
 * ioredis `Redis` or `Cluster` it does not own, runs each decision as one atomic command or Lua
 * script (called by SHA, reloaded on `NOSCRIPT`), keeps the keys of one script in one hash slot, and
 * fails fast with `STORE_UNAVAILABLE` when Redis is away (see {@link redisClientOptions}).
 *
 * @packageDocumentation
 * @module @botkeel/store-redis
 */
export { type RedisClient, type RecommendedRedisOptions, redisClientOptions } from './redis-client.js';
export { type RedisStoreOptions } from './internal/store-options.js';
export { RedisDedupeStore, type RedisDedupeStoreOptions } from './dedupe/redis-dedupe-store.js';
export { RedisRateLimitStore, type RedisRateLimitStoreOptions } from './ratelimit/redis-rate-limit-store.js';
export { RedisLock, type RedisLockOptions } from './lock/redis-lock.js';
export {
  RedisIdempotencyStore,
  type RedisIdempotencyStoreOptions,
} from './idempotency/redis-idempotency-store.js';
export { RedisDebounceStore, type RedisDebounceStoreOptions } from './debounce/redis-debounce-store.js';
export {
  RedisCheckpointStore,
  type RedisCheckpointStoreOptions,
} from './checkpoint/redis-checkpoint-store.js';
export {
  RedisBreakerStateStore,
  type RedisBreakerStateStoreOptions,
} from './breaker/redis-breaker-state-store.js';
export { RedisFloodControl, type RedisFloodControlOptions } from './flood-control/redis-flood-control.js';
export {
  RedisHandoffStateStore,
  type RedisHandoffStateStoreOptions,
} from './handoff/redis-handoff-state-store.js';
