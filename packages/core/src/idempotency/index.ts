export { type IdempotencyStore, type IdempotencyBegin } from './idempotency-store.js';
