import {
  type ClaimOptions,
  type ClaimResult,
  type Clock,
  type CompleteOptions,
  type DedupeStore,
  parseOptions,
} from '@botkeel/core';
import { type Pool } from 'pg';
import { type CleanupExpiredOptions, cleanupExpiredRows } from '../sql/cleanup-expired.js';
import { assertDurationMs } from '../sql/durations.js';
import { tableNames } from '../sql/identifier.js';
import { runQuery } from '../sql/run-query.js';
import { type SignalOption } from '../sql/signal-option.js';
import { type PostgresStoreOptions, storeOptionsSchema, timestampFromMs } from '../sql/store-options.js';

/** Options of {@link PostgresDedupeStore}. */
export type PostgresDedupeStoreOptions = PostgresStoreOptions;

/** How often a losing claim re-reads the row to tell `'duplicate'` from `'in-progress'`. */
const classifyAttempts = 3;

/**
 * The {@link DedupeStore} on Postgres (table `botkeel_dedupe`). A claim is ONE statement,
 * `INSERT … ON CONFLICT (key) DO UPDATE … WHERE expires_at <= now RETURNING`: a new key or an
 * expired row (lapsed lease, forgotten completion) is taken atomically, so of any number of
 * concurrent claims exactly one wins. Only a losing claim reads the row afterwards, to answer
 * `'duplicate'` or `'in-progress'`. Times come from the injected clock.
 *
 * @example
 * ```ts
 * const dedupe = new PostgresDedupeStore({ pool, schema: 'botkeel' });
 * if ((await dedupe.claim('tg:1:42', { leaseMs: 30_000 })) === 'claimed') {
 *   await handle(update);
 *   await dedupe.complete('tg:1:42', { ttlMs: 86_400_000 });
 * }
 * ```
 */
export class PostgresDedupeStore implements DedupeStore {
  private readonly pool: Pool;
  private readonly clock: Clock;
  private readonly table: string;
  private readonly claimStatement: string;
  private readonly classifyStatement: string;
  private readonly completeStatement: string;
  private readonly releaseStatement: string;

  constructor(options: PostgresDedupeStoreOptions) {
    const parsed = parseOptions('PostgresDedupeStore', storeOptionsSchema, options);
    this.pool = parsed.pool;
    this.clock = parsed.clock;
    this.table = tableNames(parsed.schema).dedupe;
    const t = this.table;
    this.claimStatement = `INSERT INTO ${t} AS current (key, state, lease_until, expires_at)
      VALUES ($1, 'claimed', ${timestampFromMs('$2')}, ${timestampFromMs('$2')})
      ON CONFLICT (key) DO UPDATE
        SET state = 'claimed', lease_until = excluded.lease_until, expires_at = excluded.expires_at
        WHERE current.expires_at <= ${timestampFromMs('$3')}
      RETURNING 1 AS claimed`;
    this.classifyStatement = `SELECT state FROM ${t} WHERE key = $1 AND expires_at > ${timestampFromMs('$2')}`;
    this.completeStatement = `INSERT INTO ${t} AS current (key, state, lease_until, expires_at)
      VALUES ($1, 'done', NULL, ${timestampFromMs('$2')})
      ON CONFLICT (key) DO UPDATE
        SET state = 'done', lease_until = NULL, expires_at = excluded.expires_at`;
    this.releaseStatement = `DELETE FROM ${t} WHERE key = $1 AND state = 'claimed'`;
  }

  /** Atomically claims `key` unless it is done or held by a live lease. */
  async claim(key: string, options: ClaimOptions & SignalOption): Promise<ClaimResult> {
    assertDurationMs(options.leaseMs, 'claim', 'leaseMs');
    for (let attempt = 0; attempt < classifyAttempts; attempt += 1) {
      const now = this.clock.now();
      const claimed = await runQuery(
        this.pool,
        'dedupe claim',
        this.claimStatement,
        [key, now + options.leaseMs, now],
        options.signal,
      );
      if (claimed.rowCount === 1) return 'claimed';
      // Lost: the row is live. Read it (a separate, later statement) only to tell why.
      const found = await runQuery<{ state: string }>(
        this.pool,
        'dedupe claim',
        this.classifyStatement,
        [key, this.clock.now()],
        options.signal,
      );
      const state = found.rows[0]?.state;
      if (state === 'done') return 'duplicate';
      if (state === 'claimed') return 'in-progress';
      // Released or expired between the two statements: try to claim again.
    }
    return 'in-progress';
  }

  /** Marks `key` as done; later claims answer `'duplicate'` for `ttlMs`. */
  async complete(key: string, options: CompleteOptions & SignalOption): Promise<void> {
    assertDurationMs(options.ttlMs, 'complete', 'ttlMs');
    await runQuery(
      this.pool,
      'dedupe complete',
      this.completeStatement,
      [key, this.clock.now() + options.ttlMs],
      options.signal,
    );
  }

  /** Gives up a claim so the key can be claimed again at once; a completed key stays completed. */
  async release(key: string, options: SignalOption = {}): Promise<void> {
    await runQuery(this.pool, 'dedupe release', this.releaseStatement, [key], options.signal);
  }

  /**
   * Deletes expired rows (lapsed leases and forgotten completions) in small batches; run it as a
   * periodic job, e.g. every few minutes from one instance. Resolves with the number deleted.
   *
   * @example
   * ```ts
   * await dedupe.cleanupExpired({ batchSize: 1_000 });
   * ```
   */
  cleanupExpired(options: CleanupExpiredOptions = {}): Promise<number> {
    return cleanupExpiredRows(this.pool, this.table, this.clock.now(), options);
  }
}
