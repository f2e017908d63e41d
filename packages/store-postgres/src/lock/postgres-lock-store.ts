import { randomUUID } from 'node:crypto';
import { type Clock, type LockLease, type LockStore, parseOptions } from '@botkeel/core';
import { type Pool } from 'pg';
import { type CleanupExpiredOptions, cleanupExpiredRows } from '../sql/cleanup-expired.js';
import { assertDurationMs } from '../sql/durations.js';
import { tableNames } from '../sql/identifier.js';
import { runQuery } from '../sql/run-query.js';
import { type PostgresStoreOptions, storeOptionsSchema, timestampFromMs } from '../sql/store-options.js';
import { type SignalOption } from '../sql/signal-option.js';

/** Options of {@link PostgresLockStore}. */
export type PostgresLockStoreOptions = PostgresStoreOptions;

interface LeaseRow {
  fencing_token: string;
}

/**
 * The {@link LockStore} on Postgres (table `botkeel_locks`). `acquire` is one
 * `INSERT … ON CONFLICT (key) DO UPDATE … WHERE expires_at <= now RETURNING` statement; fencing
 * tokens come from one sequence, so they keep increasing per key across acquisitions and cleanups.
 * `renew` and `release` only act for the current token of a live lease. Times come from the
 * injected clock.
 *
 * @example
 * ```ts
 * const locks = new PostgresLockStore({ pool });
 * const lease = await locks.acquire('chat:42', { leaseMs: 30_000 });
 * if (lease) try { await runTurn(lease.fencingToken); } finally { await locks.release(lease); }
 * ```
 */
export class PostgresLockStore implements LockStore {
  private readonly pool: Pool;
  private readonly clock: Clock;
  private readonly table: string;
  private readonly acquireStatement: string;
  private readonly renewStatement: string;
  private readonly releaseStatement: string;

  constructor(options: PostgresLockStoreOptions) {
    const parsed = parseOptions('PostgresLockStore', storeOptionsSchema, options);
    this.pool = parsed.pool;
    this.clock = parsed.clock;
    this.table = tableNames(parsed.schema).locks;
    const t = this.table;
    this.acquireStatement = `INSERT INTO ${t} AS current (key, token, expires_at)
      VALUES ($1, $2, ${timestampFromMs('$3')})
      ON CONFLICT (key) DO UPDATE
        SET token = excluded.token, fencing_token = excluded.fencing_token, expires_at = excluded.expires_at
        WHERE current.expires_at <= ${timestampFromMs('$4')}
      RETURNING fencing_token, token`;
    this.renewStatement = `UPDATE ${t} SET expires_at = ${timestampFromMs('$3')}
      WHERE key = $1 AND token = $2 AND expires_at > ${timestampFromMs('$4')}
      RETURNING fencing_token`;
    this.releaseStatement = `DELETE FROM ${t} WHERE key = $1 AND token = $2
      RETURNING expires_at > ${timestampFromMs('$3')} AS held`;
  }

  /** Takes the lock, or resolves `undefined` while somebody else holds a live lease. */
  async acquire(key: string, options: { leaseMs: number } & SignalOption): Promise<LockLease | undefined> {
    assertDurationMs(options.leaseMs, 'acquire', 'leaseMs');
    const token = randomUUID();
    const now = this.clock.now();
    const expiresAtMs = now + options.leaseMs;
    const result = await runQuery<LeaseRow & { token: string }>(
      this.pool,
      'lock acquire',
      this.acquireStatement,
      [key, token, expiresAtMs, now],
      options.signal,
    );
    const row = result.rows[0];
    if (row?.token !== token) return undefined;
    return { key, token, fencingToken: Number(row.fencing_token), expiresAtMs };
  }

  /** Extends a live lease held by `lease.token`; `undefined` when it expired or was taken over. */
  async renew(lease: LockLease, options: { leaseMs: number } & SignalOption): Promise<LockLease | undefined> {
    assertDurationMs(options.leaseMs, 'renew', 'leaseMs');
    const now = this.clock.now();
    const expiresAtMs = now + options.leaseMs;
    const result = await runQuery<LeaseRow>(
      this.pool,
      'lock renew',
      this.renewStatement,
      [lease.key, lease.token, expiresAtMs, now],
      options.signal,
    );
    const row = result.rows[0];
    return row === undefined ? undefined : { ...lease, fencingToken: Number(row.fencing_token), expiresAtMs };
  }

  /** Releases a lease; false when it had expired or belonged to another token. */
  async release(lease: LockLease, options: SignalOption = {}): Promise<boolean> {
    const result = await runQuery<{ held: boolean }>(
      this.pool,
      'lock release',
      this.releaseStatement,
      [lease.key, lease.token, this.clock.now()],
      options.signal,
    );
    return result.rows[0]?.held === true;
  }

  /**
   * Deletes rows of expired leases in small batches; run it as a periodic job. Fencing tokens stay
   * increasing because they come from a sequence, not from the rows.
   *
   * @example
   * ```ts
   * await locks.cleanupExpired({ batchSize: 1_000 });
   * ```
   */
  cleanupExpired(options: CleanupExpiredOptions = {}): Promise<number> {
    return cleanupExpiredRows(this.pool, this.table, this.clock.now(), options);
  }
}
