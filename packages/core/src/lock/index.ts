export { type LockStore, type LockLease } from './lock-store.js';
