import { AbortedError } from '@botkeel/core';
import { type Pool, type QueryResult, type QueryResultRow } from 'pg';
import { throwIfAborted, toStoreError } from './to-store-error.js';

/** The pool's wait budget for a free client (`connectionTimeoutMillis`), or 0 when unknown. */
export function poolWaitBudgetMs(pool: Pool): number {
  const options = (pool as { options?: { connectionTimeoutMillis?: unknown } }).options;
  const budget = options?.connectionTimeoutMillis;
  return typeof budget === 'number' ? budget : 0;
}

function abortable<T>(work: Promise<T>, signal: AbortSignal | undefined, operation: string): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      // The statement may still run to its end on the server; its outcome is dropped here.
      work.catch(() => undefined);
      reject(new AbortedError(`Postgres ${operation} was aborted`, { cause: signal.reason }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Runs one parameterised statement on the pool as an unnamed (never prepared) statement, so it works
 * through PgBouncer in transaction mode, and turns any failure into a typed Botkeel error.
 *
 * @param operation - What is attempted, for error messages, e.g. `'dedupe claim'`.
 * @example
 * ```ts
 * const { rows } = await runQuery<{ version: number }>(pool, 'checkpoint load', 'SELECT 1 AS version', []);
 * ```
 */
export async function runQuery<Row extends QueryResultRow>(
  pool: Pool,
  operation: string,
  text: string,
  values: readonly unknown[],
  signal?: AbortSignal,
): Promise<QueryResult<Row>> {
  throwIfAborted(signal, operation);
  try {
    return await abortable(pool.query<Row>(text, [...values]), signal, operation);
  } catch (error) {
    throw toStoreError(error, operation, poolWaitBudgetMs(pool));
  }
}
