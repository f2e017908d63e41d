import { AbortedError } from '@botkeel/core';
import { type Pool, type PoolClient, type QueryResult, type QueryResultRow } from 'pg';
import { throwIfAborted, toStoreError } from './to-store-error.js';

/** The pool's wait budget for a free client (`connectionTimeoutMillis`), or 0 when unknown. */
export function poolWaitBudgetMs(pool: Pool): number {
  const options = (pool as { options?: { connectionTimeoutMillis?: unknown } }).options;
  const budget = options?.connectionTimeoutMillis;
  return typeof budget === 'number' ? budget : 0;
}

/**
 * Settles with `work`, or rejects with `ABORTED` as soon as `signal` fires; a value that arrives
 * after the abort is handed to `onLate` (e.g. to give a pool client back).
 */
function abortable<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  operation: string,
  onLate: (value: T) => void = () => undefined,
): Promise<T> {
  if (signal === undefined) return work;
  return new Promise<T>((resolve, reject) => {
    let isAborted = false;
    const onAbort = () => {
      isAborted = true;
      reject(new AbortedError(`Postgres ${operation} was aborted`, { cause: signal.reason }));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (isAborted) onLate(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}

/**
 * Listens for `error` events of a checked-out client (its connection dropped: server restart,
 * network): without a listener Node treats them as uncaught. The failure also rejects the
 * client's pending query, which is where callers see it. Returns the function that stops listening.
 *
 * @example
 * ```ts
 * const detach = guardCheckedOutClient(client);
 * try { await client.query('SELECT 1'); } finally { detach(); client.release(); }
 * ```
 */
export function guardCheckedOutClient(client: PoolClient): () => void {
  const ignore = () => undefined;
  client.on('error', ignore);
  return () => {
    client.off('error', ignore);
  };
}

/**
 * Runs one parameterised statement on a pool client as an unnamed (never prepared) statement, so it
 * works through PgBouncer in transaction mode, and turns any failure into a typed Botkeel error.
 * An abort while waiting for a client means the statement is never sent; an abort after it was sent
 * rejects at once while the statement still completes on the server.
 *
 * Without a signal it is `pool.query` (which checks a client out, listens for its `error` event,
 * runs the statement and releases it, discarding a client whose statement failed) with the error
 * mapping: one round trip and no extra promises, the hot path of a dedupe claim.
 *
 * @param operation - What is attempted, for error messages, e.g. `'dedupe claim'`.
 * @example
 * ```ts
 * const { rows } = await runQuery<{ version: number }>(pool, 'checkpoint load', 'SELECT 1 AS version', []);
 * ```
 */
export function runQuery<Row extends QueryResultRow>(
  pool: Pool,
  operation: string,
  text: string,
  values: readonly unknown[],
  signal?: AbortSignal,
): Promise<QueryResult<Row>> {
  if (signal === undefined) {
    // pg reads the values and never changes them; the cast only drops `readonly`.
    return pool.query<Row>(text, values as unknown[]).catch((error: unknown) => {
      throw toStoreError(error, operation, poolWaitBudgetMs(pool));
    });
  }
  return runAbortableQuery<Row>(pool, operation, text, values, signal);
}

/** {@link runQuery} with a caller's signal: the client is checked out by hand so an abort can stop the wait. */
async function runAbortableQuery<Row extends QueryResultRow>(
  pool: Pool,
  operation: string,
  text: string,
  values: readonly unknown[],
  signal: AbortSignal,
): Promise<QueryResult<Row>> {
  throwIfAborted(signal, operation);
  let client: PoolClient;
  try {
    client = await abortable(pool.connect(), signal, operation, (late) => late.release());
  } catch (error) {
    throw toStoreError(error, operation, poolWaitBudgetMs(pool));
  }
  const detach = guardCheckedOutClient(client);
  const running = client.query<Row>(text, [...values]);
  // Like pg's own pool.query: a client whose statement failed is discarded, never reused.
  running.then(
    () => {
      detach();
      client.release();
    },
    (error: unknown) => {
      detach();
      client.release(error instanceof Error ? error : true);
    },
  );
  try {
    return await abortable(running, signal, operation);
  } catch (error) {
    throw toStoreError(error, operation, poolWaitBudgetMs(pool));
  }
}
