import {
  type ClaimOptions,
  type ClaimResult,
  type Clock,
  type CompleteOptions,
  type DedupeStore,
  InvalidOptionsError,
  parseOptions,
} from '@botkeel/core';
import { type Pool } from 'pg';
import { type CleanupExpiredOptions, cleanupExpiredRows } from '../sql/cleanup-expired.js';
import { assertDurationMs } from '../sql/durations.js';
import { tableNames } from '../sql/identifier.js';
import { runQuery } from '../sql/run-query.js';
import { type SignalOption } from '../sql/signal-option.js';
import { type PostgresStoreOptions, storeOptionsSchema, timestampFromMs } from '../sql/store-options.js';
import { throwIfAborted } from '../sql/to-store-error.js';
import { ClaimBatcher } from './claim-batcher.js';
import { claimStatements } from './claim-statements.js';

/** Options of {@link PostgresDedupeStore}. */
export type PostgresDedupeStoreOptions = PostgresStoreOptions;

/**
 * The {@link DedupeStore} on Postgres (table `botkeel_dedupe`). A claim is ONE statement,
 * `INSERT … ON CONFLICT (key) DO UPDATE … WHERE expires_at <= now RETURNING`: a new key or an
 * expired row (lapsed lease, forgotten completion) is taken atomically, so of any number of
 * concurrent claims exactly one wins. Claims that arrive in the same event-loop turn share ONE
 * such statement (`INSERT … SELECT FROM unnest($1::text[], $2::float8[])`, up to 500 keys, which
 * also reads the live state of the keys it did not take); at most as many batches run at once as
 * the pool has clients. A lone claim sends the single-row statement and, only when it lost, reads
 * the row to answer `'duplicate'` or `'in-progress'`. Times come from the injected clock.
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
  private readonly claims: ClaimBatcher;
  private readonly completeStatement: string;
  private readonly releaseStatement: string;

  constructor(options: PostgresDedupeStoreOptions) {
    const parsed = parseOptions('PostgresDedupeStore', storeOptionsSchema, options);
    this.pool = parsed.pool;
    this.clock = parsed.clock;
    this.table = tableNames(parsed.schema).dedupe;
    const t = this.table;
    this.claims = new ClaimBatcher(this.pool, this.clock, claimStatements(t));
    this.completeStatement = `INSERT INTO ${t} AS current (key, state, lease_until, expires_at)
      VALUES ($1, 'done', NULL, ${timestampFromMs('$2')})
      ON CONFLICT (key) DO UPDATE
        SET state = 'done', lease_until = NULL, expires_at = excluded.expires_at`;
    this.releaseStatement = `DELETE FROM ${t} WHERE key = $1 AND state = 'claimed'`;
  }

  /**
   * Atomically claims `key` unless it is done or held by a live lease. Claims made in the same
   * event-loop turn are sent together as one statement.
   */
  claim(key: string, options: ClaimOptions & SignalOption): Promise<ClaimResult> {
    try {
      assertDurationMs(options.leaseMs, 'claim', 'leaseMs');
      throwIfAborted(options.signal, 'dedupe claim');
      // Postgres text cannot hold NUL; refusing it here keeps one bad key from failing a whole batch.
      if (key.includes('\u0000')) {
        throw new InvalidOptionsError(
          'claim: key must not contain a NUL character (Postgres text cannot hold it)',
        );
      }
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    return this.claims.claim(key, options.leaseMs, options.signal);
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
