import { randomUUID } from 'node:crypto';
import { type Clock, type IdempotencyBegin, type IdempotencyStore, parseOptions } from '@botkeel/core';
import { type Pool } from 'pg';
import { type CleanupExpiredOptions, cleanupExpiredRows } from '../sql/cleanup-expired.js';
import { assertDurationMs } from '../sql/durations.js';
import { tableNames } from '../sql/identifier.js';
import { runQuery } from '../sql/run-query.js';
import { type PostgresStoreOptions, storeOptionsSchema, timestampFromMs } from '../sql/store-options.js';
import { type SignalOption } from '../sql/signal-option.js';

/** Options of {@link PostgresIdempotencyStore}. */
export type PostgresIdempotencyStoreOptions = PostgresStoreOptions;

/** How often a losing `begin` re-reads the row to tell `completed` from `in-progress`. */
const classifyAttempts = 3;

/**
 * The {@link IdempotencyStore} on Postgres (table `botkeel_idempotency`). `begin` is one
 * `INSERT … ON CONFLICT (key) DO UPDATE … WHERE expires_at <= now RETURNING` statement that hands
 * out a random token; `complete`, `release` and `extend` only touch the row while that token still
 * owns it.
 * Results are stored as text. Times come from the injected clock.
 *
 * @example
 * ```ts
 * const store = new PostgresIdempotencyStore({ pool });
 * const reply = await idempotent(store, `send:${batchId}`, () => channel.send(text), { ttlMs: 86_400_000, leaseMs: 30_000 });
 * ```
 */
export class PostgresIdempotencyStore implements IdempotencyStore {
  private readonly pool: Pool;
  private readonly clock: Clock;
  private readonly table: string;
  private readonly beginStatement: string;
  private readonly classifyStatement: string;
  private readonly completeStatement: string;
  private readonly releaseStatement: string;
  private readonly extendStatement: string;

  constructor(options: PostgresIdempotencyStoreOptions) {
    const parsed = parseOptions('PostgresIdempotencyStore', storeOptionsSchema, options);
    this.pool = parsed.pool;
    this.clock = parsed.clock;
    this.table = tableNames(parsed.schema).idempotency;
    const t = this.table;
    this.beginStatement = `INSERT INTO ${t} AS current (key, state, token, result, lease_until, expires_at)
      VALUES ($1, 'started', $2, NULL, ${timestampFromMs('$3')}, ${timestampFromMs('$3')})
      ON CONFLICT (key) DO UPDATE
        SET state = 'started', token = excluded.token, result = NULL,
            lease_until = excluded.lease_until, expires_at = excluded.expires_at
        WHERE current.expires_at <= ${timestampFromMs('$4')}
      RETURNING token`;
    this.classifyStatement = `SELECT state, result FROM ${t}
      WHERE key = $1 AND expires_at > ${timestampFromMs('$2')}`;
    this.completeStatement = `UPDATE ${t}
      SET state = 'completed', token = NULL, result = $3, lease_until = NULL, expires_at = ${timestampFromMs('$4')}
      WHERE key = $1 AND token = $2 AND state = 'started'`;
    this.releaseStatement = `DELETE FROM ${t} WHERE key = $1 AND token = $2 AND state = 'started'`;
    // A started row's lease is its expires_at (begin takes a row over once it passed): both move.
    this.extendStatement = `UPDATE ${t}
      SET lease_until = ${timestampFromMs('$3')}, expires_at = ${timestampFromMs('$3')}
      WHERE key = $1 AND token = $2 AND state = 'started' AND expires_at > ${timestampFromMs('$4')}
      RETURNING 1 AS extended`;
  }

  /** Atomically starts work on `key` unless it is done or somebody holds a live lease. */
  async begin(key: string, options: { leaseMs: number } & SignalOption): Promise<IdempotencyBegin> {
    assertDurationMs(options.leaseMs, 'begin', 'leaseMs');
    for (let attempt = 0; attempt < classifyAttempts; attempt += 1) {
      const token = randomUUID();
      const now = this.clock.now();
      const started = await runQuery<{ token: string }>(
        this.pool,
        'idempotency begin',
        this.beginStatement,
        [key, token, now + options.leaseMs, now],
        options.signal,
      );
      if (started.rows[0]?.token === token) return { status: 'started', token };
      const found = await runQuery<{ state: string; result: string | null }>(
        this.pool,
        'idempotency begin',
        this.classifyStatement,
        [key, this.clock.now()],
        options.signal,
      );
      const row = found.rows[0];
      if (row?.state === 'completed' && row.result !== null)
        return { status: 'completed', result: row.result };
      if (row?.state === 'started') return { status: 'in-progress' };
      // Released or expired between the two statements: try to start again.
    }
    return { status: 'in-progress' };
  }

  /** Stores `result` for `ttlMs` and ends the lease, only while `token` still owns the key. */
  async complete(
    key: string,
    token: string,
    result: string,
    options: { ttlMs: number } & SignalOption,
  ): Promise<void> {
    assertDurationMs(options.ttlMs, 'complete', 'ttlMs');
    await runQuery(
      this.pool,
      'idempotency complete',
      this.completeStatement,
      [key, token, result, this.clock.now() + options.ttlMs],
      options.signal,
    );
  }

  /** Gives up the lease, only while `token` still owns the key, so the key can be started again. */
  async release(key: string, token: string, options: SignalOption = {}): Promise<void> {
    await runQuery(this.pool, 'idempotency release', this.releaseStatement, [key, token], options.signal);
  }

  /**
   * Sets the lease to end `leaseMs` from now (the injected clock), only while `token` still owns a
   * live lease: one `UPDATE … WHERE token = $2 AND state = 'started' AND expires_at > now RETURNING`.
   * See {@link IdempotencyStore.extend}.
   */
  async extend(key: string, token: string, options: { leaseMs: number } & SignalOption): Promise<boolean> {
    assertDurationMs(options.leaseMs, 'extend', 'leaseMs');
    const now = this.clock.now();
    const extended = await runQuery<{ extended: number }>(
      this.pool,
      'idempotency extend',
      this.extendStatement,
      [key, token, now + options.leaseMs, now],
      options.signal,
    );
    return extended.rows.length > 0;
  }

  /**
   * Deletes expired rows (lapsed leases and results past their TTL) in small batches; run it as a
   * periodic job. Resolves with the number deleted.
   *
   * @example
   * ```ts
   * await store.cleanupExpired({ batchSize: 1_000 });
   * ```
   */
  cleanupExpired(options: CleanupExpiredOptions = {}): Promise<number> {
    return cleanupExpiredRows(this.pool, this.table, this.clock.now(), options);
  }
}
