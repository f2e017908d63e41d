export { type LockStore, type LockLease } from './lock-store.js';
export { MemoryLockStore, type MemoryLockStoreOptions } from './memory-lock-store.js';
export { LockLostError } from './lock-lost-error.js';
export { type AbortListener, type AbortSource, abortSourceOf } from './abort-source.js';
