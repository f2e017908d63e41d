import { type Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { AbortedError, InvalidOptionsError, TimeoutError } from '../errors/subclasses.js';
import { type DeadlineEntry, type Expirable, cancelDeadline, scheduleDeadline } from './deadline-queue.js';

/** Options of {@link withTimeout} besides the time budget and the signal. */
export interface WithTimeoutOptions {
  /** Default: the system clock. */
  clock?: Clock;
}

/** One call under a time budget; settles once, by the work, the deadline or the caller's abort. */
class TimedCall<T> implements Expirable {
  resolve: (value: T) => void = ignore;
  reject: (error: unknown) => void = ignore;
  entry: DeadlineEntry | undefined;
  /** A dedicated controller, only when the caller passed a signal (the shared one cannot be aborted for one call). */
  controller: AbortController | undefined;
  callerSignal: AbortSignal | undefined;
  onCallerAbort: (() => void) | undefined;
  isSettled = false;

  constructor(readonly timeoutMs: number) {}

  expire(): void {
    if (this.isSettled) return;
    this.isSettled = true;
    this.#detachCaller();
    const error = new TimeoutError(`Timed out after ${this.timeoutMs} ms`, this.timeoutMs);
    this.controller?.abort(error);
    this.entry?.group.abort(error);
    this.reject(error);
  }

  abortByCaller(): void {
    if (this.isSettled) return;
    this.isSettled = true;
    if (this.entry !== undefined) cancelDeadline(this.entry);
    this.#detachCaller();
    const error = new AbortedError(undefined, { cause: this.callerSignal?.reason });
    this.controller?.abort(error);
    this.reject(error);
  }

  succeed(value: T): void {
    if (!this.#finish()) return;
    this.resolve(value);
  }

  fail(error: unknown): void {
    if (!this.#finish()) return;
    this.reject(error);
  }

  #finish(): boolean {
    if (this.isSettled) return false;
    this.isSettled = true;
    if (this.entry !== undefined) cancelDeadline(this.entry);
    this.#detachCaller();
    return true;
  }

  #detachCaller(): void {
    if (this.onCallerAbort !== undefined) this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}

function ignore(): void {
  // replaced by the promise's resolvers
}

/**
 * Runs `fn` with a time budget: after `timeoutMs` the signal given to `fn` is aborted (with a
 * {@link TimeoutError} as its reason) and the returned promise rejects with a `TIMEOUT` error at
 * once, so an HTTP request made with the signal is really cancelled (its connection closes). An
 * abort of the caller's `signal` does the same with an `ABORTED` error.
 *
 * The fast path sets no timer and adds no listener per call: deadlines of one duration share one
 * clock timer, and calls whose deadlines fall due in the same millisecond share one AbortSignal
 * (created only when `fn` declares a parameter). A shared signal aborts at the deadline when any
 * of its calls is still running, so do not keep using it after `withTimeout` settled.
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
  const call = new TimedCall<T>(timeoutMs);
  const promise = new Promise<T>((resolve, reject) => {
    call.resolve = resolve;
    call.reject = reject;
  });
  call.entry = scheduleDeadline(options?.clock ?? systemClock, timeoutMs, call);
  let workSignal: AbortSignal | undefined;
  if (signal !== undefined) {
    call.callerSignal = signal;
    call.onCallerAbort = () => call.abortByCaller();
    signal.addEventListener('abort', call.onCallerAbort, { once: true });
    if (fn.length > 0) {
      call.controller = new AbortController();
      workSignal = call.controller.signal;
    }
  } else if (fn.length > 0) {
    workSignal = call.entry.group.signal;
  }
  let work: Promise<T>;
  try {
    work = fn(workSignal ?? neverAbortedSignal());
  } catch (error) {
    call.fail(error);
    return promise;
  }
  work.then(
    (value) => call.succeed(value),
    (error: unknown) => call.fail(error),
  );
  return promise;
}

let sharedNeverAborted: AbortSignal | undefined;

/** A signal that never aborts, for a `fn` that declared no parameter but reads `arguments`. */
function neverAbortedSignal(): AbortSignal {
  sharedNeverAborted ??= new AbortController().signal;
  return sharedNeverAborted;
}
