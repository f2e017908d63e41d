/**
 * PostgreSQL implementations of Botkeel's ports on `pg`, the SQL migrations that create their
 * tables, and a pool with production defaults.
 *
 * @packageDocumentation
 * @module @botkeel/store-postgres
 */
export { createPool, type CreatePoolOptions, type PostgresPool } from './pool/create-pool.js';
export { type PostgresTarget } from './pool/describe-target.js';
export { migrate, type MigrateOptions, type MigrateResult } from './migration/migrate.js';
export { type PostgresStoreOptions } from './sql/store-options.js';
export { type CleanupExpiredOptions } from './sql/cleanup-expired.js';
export { type SignalOption } from './sql/signal-option.js';
export { PostgresDedupeStore, type PostgresDedupeStoreOptions } from './dedupe/postgres-dedupe-store.js';
export {
  PostgresCheckpointStore,
  type PostgresCheckpointStoreOptions,
} from './checkpoint/postgres-checkpoint-store.js';
export {
  PostgresIdempotencyStore,
  type PostgresIdempotencyStoreOptions,
} from './idempotency/postgres-idempotency-store.js';
export { PostgresLockStore, type PostgresLockStoreOptions } from './lock/postgres-lock-store.js';
