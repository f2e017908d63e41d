import { timestampFromMs } from '../sql/store-options.js';

/** The SQL of a dedupe claim on one table; every value is a parameter. */
export interface ClaimStatements {
  /**
   * One key: `$1` key, `$2` lease end (ms), `$3` now (ms). Returns one row when the key was taken
   * (new, or its row expired), none when a live row holds it.
   */
  readonly claimOne: string;
  /** The live state (`'claimed'` or `'done'`) of one key: `$1` key, `$2` now (ms). */
  readonly classifyOne: string;
  /**
   * Many distinct keys in one statement: `$1` keys (`text[]`, sorted), `$2` lease ends (`float8[]`,
   * ms), `$3` now (ms). Returns `(key, won, state)`: `won` for every key it took, and the live state
   * of every key it did not take, read in the same statement (one round trip).
   */
  readonly claimMany: string;
}

/**
 * Builds the claim statements for `table` (a quoted, schema-qualified name from `tableNames`).
 * Each is ONE `INSERT … ON CONFLICT (key) DO UPDATE … WHERE` the row expired `… RETURNING`, never
 * insert-then-catch. The batched form inserts its keys in the order given; callers sort them, so
 * two batches that share keys lock them in the same order and never deadlock.
 *
 * @example
 * ```ts
 * const { claimMany } = claimStatements('"botkeel"."botkeel_dedupe"');
 * ```
 */
export function claimStatements(table: string): ClaimStatements {
  const update = `ON CONFLICT (key) DO UPDATE
        SET state = 'claimed', lease_until = excluded.lease_until, expires_at = excluded.expires_at
        WHERE current.expires_at <= ${timestampFromMs('$3')}`;
  return {
    claimOne: `INSERT INTO ${table} AS current (key, state, lease_until, expires_at)
      VALUES ($1, 'claimed', ${timestampFromMs('$2')}, ${timestampFromMs('$2')})
      ${update}
      RETURNING 1 AS claimed`,
    classifyOne: `SELECT state FROM ${table} WHERE key = $1 AND expires_at > ${timestampFromMs('$2')}`,
    claimMany: `WITH taken AS (
        INSERT INTO ${table} AS current (key, state, lease_until, expires_at)
        SELECT input.key, 'claimed', ${timestampFromMs('input.lease_ms')}, ${timestampFromMs('input.lease_ms')}
          FROM unnest($1::text[], $2::float8[]) AS input(key, lease_ms)
        ${update}
        RETURNING current.key)
      SELECT key, true AS won, NULL::text AS state FROM taken
      UNION ALL
      SELECT key, false AS won, state FROM ${table}
       WHERE key = ANY($1::text[]) AND expires_at > ${timestampFromMs('$3')}`,
  };
}
