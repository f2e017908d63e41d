import { type Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { AbortedError, InvalidOptionsError, TimeoutError } from '../errors/subclasses.js';
import { cancelDeadline, scheduleDeadline } from './deadline-queue.js';

/** Options of {@link withTimeout} besides the time budget and the signal. */
export interface WithTimeoutOptions {
  /** Default: the system clock. */
  clock?: Clock;
}

/**
 * Runs `fn` with a time budget: after `timeoutMs` the signal given to `fn` is aborted (with a
 * {@link TimeoutError} as its reason) and the returned promise rejects with that `TIMEOUT` error
 * at once, so an HTTP request made with the signal is really cancelled (its connection closes).
 * An abort of the caller's `signal` does the same with an `ABORTED` error.
 *
 * The fast path sets no timer and adds no listener per call: deadlines of one duration share one
 * clock timer, and when `fn` declares no parameter, no AbortController is created (nothing could
 * observe it).
 *
 * @param fn - The work; it receives the signal to pass on to I/O.
 * @param timeoutMs - The budget in milliseconds (positive, finite).
 * @param signal - The caller's signal.
 * @example
 * ```ts
 * const response = await withTimeout((signal) => fetch(url, { signal }), 5_000, request.signal);
 * ```
 */
export function withTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  signal?: AbortSignal,
  options?: WithTimeoutOptions,
): Promise<T> {
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    return Promise.reject(
      new InvalidOptionsError(`withTimeout: timeoutMs: expected a positive number, got ${timeoutMs}`),
    );
  }
  if (signal?.aborted === true) return Promise.reject(new AbortedError(undefined, { cause: signal.reason }));
  const clock = options?.clock ?? systemClock;
  const controller = fn.length === 0 ? undefined : new AbortController();
  return new Promise<T>((resolve, reject) => {
    let isSettled = false;
    const onCallerAbort = (): void => {
      finish();
      const error = new AbortedError(undefined, { cause: signal?.reason });
      controller?.abort(error);
      reject(error);
    };
    const deadline = scheduleDeadline(clock, timeoutMs, () => {
      if (isSettled) return;
      isSettled = true;
      signal?.removeEventListener('abort', onCallerAbort);
      const error = new TimeoutError(`Timed out after ${timeoutMs} ms`, timeoutMs);
      controller?.abort(error);
      reject(error);
    });
    const finish = (): boolean => {
      if (isSettled) return false;
      isSettled = true;
      cancelDeadline(deadline);
      signal?.removeEventListener('abort', onCallerAbort);
      return true;
    };
    signal?.addEventListener('abort', onCallerAbort, { once: true });
    let work: Promise<T>;
    try {
      work = fn(controller?.signal ?? neverAbortedSignal());
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the work's own rejection passes through unchanged
      if (finish()) reject(error);
      return;
    }
    work.then(
      (value) => {
        if (finish()) resolve(value);
      },
      (error: unknown) => {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the work's own rejection passes through unchanged
        if (finish()) reject(error);
      },
    );
  });
}

let sharedNeverAborted: AbortSignal | undefined;

/** A signal that never aborts, for a `fn` that declared no parameter but reads `arguments`. */
function neverAbortedSignal(): AbortSignal {
  sharedNeverAborted ??= new AbortController().signal;
  return sharedNeverAborted;
}
