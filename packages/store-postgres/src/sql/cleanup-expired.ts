import { parseOptions } from '@botkeel/core';
import { type Pool } from 'pg';
import { z } from 'zod';
import { runQuery } from './run-query.js';
import { timestampFromMs } from './store-options.js';

/** Options of `cleanupExpired` on the Postgres stores. */
export interface CleanupExpiredOptions {
  /** Rows deleted per statement; small batches keep each transaction and its locks short. Default 1000. */
  batchSize?: number;
  /** Upper bound on statements per call, so one call never runs unbounded. Default 100. */
  maxBatches?: number;
  /** Stops between batches. */
  signal?: AbortSignal;
}

const cleanupOptionsSchema = z.object({
  batchSize: z.number().int().min(1).max(100_000).default(1_000),
  maxBatches: z.number().int().min(1).default(100),
  signal: z.instanceof(AbortSignal).optional(),
});

/**
 * Deletes rows of `table` whose `expires_at` passed, `batchSize` rows per statement (picked through
 * the `expires_at` index with `FOR UPDATE SKIP LOCKED`, so it never waits on rows in use), until a
 * batch comes back short or `maxBatches` ran. Resolves with the number of rows deleted.
 *
 * @param table - A quoted, schema-qualified table name from `tableNames`.
 * @example
 * ```ts
 * const deleted = await cleanupExpiredRows(pool, names.dedupe, clock.now(), { batchSize: 500 });
 * ```
 */
export async function cleanupExpiredRows(
  pool: Pool,
  table: string,
  nowMs: number,
  options: CleanupExpiredOptions = {},
): Promise<number> {
  const parsed = parseOptions('cleanupExpired', cleanupOptionsSchema, options);
  const statement = `DELETE FROM ${table}
     WHERE key IN (
       SELECT key FROM ${table}
        WHERE expires_at <= ${timestampFromMs('$1')}
        ORDER BY expires_at
        LIMIT $2
        FOR UPDATE SKIP LOCKED)
       AND expires_at <= ${timestampFromMs('$1')}`;
  let deleted = 0;
  for (let batch = 0; batch < parsed.maxBatches; batch += 1) {
    const result = await runQuery(
      pool,
      'cleanup of expired rows',
      statement,
      [nowMs, parsed.batchSize],
      parsed.signal,
    );
    const count = result.rowCount ?? 0;
    deleted += count;
    if (count < parsed.batchSize) break;
  }
  return deleted;
}
