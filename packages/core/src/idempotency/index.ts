export { type IdempotencyStore, type IdempotencyBegin } from './idempotency-store.js';
export { MemoryIdempotencyStore, type MemoryIdempotencyStoreOptions } from './memory-idempotency-store.js';
export { idempotent, type IdempotentOptions, type ResultSerializer } from './idempotent.js';
export { IdempotencyLeases } from './idempotency-leases.js';
