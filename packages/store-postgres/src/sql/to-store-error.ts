import { AbortedError, BotkeelError, StoreUnavailableError, TimeoutError } from '@botkeel/core';

const timeoutMessages = ['timeout exceeded when trying to connect', 'Query read timeout'];

/** SQLSTATE `57014`: cancelled by `statement_timeout` (or a cancel request). */
const queryCanceled = '57014';

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Turns whatever `pg` threw into a typed Botkeel error: a pool wait or statement timeout becomes
 * `TIMEOUT`; everything else (refused or dropped connections, server shutdown, a missing table,
 * any SQL error) becomes `STORE_UNAVAILABLE`; a value Postgres cannot hold (a NUL character)
 * becomes a non-retryable `INVALID_OPTIONS`, so a caller never mistakes a failed call for an answer.
 * Botkeel errors pass through unchanged.
 *
 * @param operation - What was attempted, e.g. `'dedupe claim'`, used in the message.
 * @param timeoutMs - The pool's wait budget, reported on a pool timeout.
 * @example
 * ```ts
 * try { await pool.query(sql, values); } catch (error) { throw toStoreError(error, 'dedupe claim', 5_000); }
 * ```
 */
export function toStoreError(error: unknown, operation: string, timeoutMs = 0): BotkeelError {
  if (BotkeelError.isInstance(error)) return error;
  const message = errorMessage(error);
  const code = errorCode(error);
  if (timeoutMessages.some((text) => message.includes(text))) {
    return new TimeoutError(`Postgres ${operation} timed out: ${message}`, timeoutMs, { cause: error });
  }
  if (code === queryCanceled) {
    return new TimeoutError(
      `Postgres ${operation} was cancelled (statement timeout): ${message}`,
      timeoutMs,
      {
        cause: error,
      },
    );
  }
  if (code === '22021' || code === '22P05') {
    // A NUL character (or invalid UTF-8) in a key or snapshot: Postgres text and jsonb cannot hold it.
    return new BotkeelError(
      'INVALID_OPTIONS',
      `Postgres ${operation} refused the value: ${message} [${code}]`,
      {
        cause: error,
        retryable: false,
      },
    );
  }
  if (code === '42P01' || code === '3F000') {
    return new StoreUnavailableError(
      'postgres',
      `Postgres ${operation} failed: ${message} (run migrate(pool, { schema }) first)`,
      { cause: error },
    );
  }
  const suffix = code === undefined ? '' : ` [${code}]`;
  return new StoreUnavailableError('postgres', `Postgres ${operation} failed: ${message}${suffix}`, {
    cause: error,
  });
}

/** Throws an {@link AbortedError} when `signal` is already aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, operation: string): void {
  if (signal?.aborted === true) {
    throw new AbortedError(`Postgres ${operation} was aborted`, { cause: signal.reason });
  }
}
