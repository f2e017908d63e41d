import { type z } from 'zod';
import { type Clock, type TimerHandle } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { parseOptions } from '../errors/parse-options.js';
import { AbortedError, TimeoutError } from '../errors/subclasses.js';
import { isRetryableError, retryAfterOf } from './fault-classifier.js';
import { type RetryContext, type RetryOptions, retryOptionsSchema } from './retry-options.js';

type ParsedRetryOptions = z.output<typeof retryOptionsSchema>;

const parsedOptions = new WeakMap<RetryOptions, ParsedRetryOptions>();
let defaultOptions: ParsedRetryOptions | undefined;

/** Options objects are validated once: passing the same object again costs a map lookup. */
function parse(options: RetryOptions | undefined): ParsedRetryOptions {
  if (options === undefined) return (defaultOptions ??= parseOptions('retry', retryOptionsSchema, {}));
  let parsed = parsedOptions.get(options);
  if (parsed === undefined) {
    parsed = parseOptions('retry', retryOptionsSchema, options);
    parsedOptions.set(options, parsed);
  }
  return parsed;
}

/**
 * The wait before retry number `attempt` (1 = the first retry): full jitter over an exponential
 * ceiling, `random() * min(maxDelayMs, baseDelayMs * 2^(attempt - 1))`, raised to the error's
 * retry-after hint capped at `maxRetryAfterMs`.
 *
 * @example
 * ```ts
 * backoffDelay(2, new Error('reset'), { baseDelayMs: 100, maxDelayMs: 1_000, maxRetryAfterMs: 60_000, random: () => 0.5 }); // 100
 * ```
 */
export function backoffDelay(
  attempt: number,
  error: unknown,
  options: { baseDelayMs: number; maxDelayMs: number; maxRetryAfterMs: number; random: () => number },
): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.min(attempt - 1, 52));
  const jitter = Math.min(Math.max(options.random(), 0), 1) * ceiling;
  const hint = retryAfterOf(error);
  return hint === undefined ? jitter : Math.max(jitter, Math.min(hint, options.maxRetryAfterMs));
}

/** The controls of one retried call that has a deadline or a signal. */
class RetryRun {
  readonly controller = new AbortController();
  #deadlineTimer: TimerHandle | undefined;
  readonly #onCallerAbort: () => void;

  constructor(
    readonly clock: Clock,
    readonly callerSignal: AbortSignal | undefined,
    readonly deadlineAtMs: number,
    budgetMs: number,
  ) {
    this.#onCallerAbort = () =>
      this.controller.abort(new AbortedError(undefined, { cause: callerSignal?.reason }));
    callerSignal?.addEventListener('abort', this.#onCallerAbort, { once: true });
    if (Number.isFinite(deadlineAtMs)) {
      this.#deadlineTimer = clock.setTimeout(
        () => this.controller.abort(new TimeoutError(`Retry deadline of ${budgetMs} ms exceeded`, budgetMs)),
        deadlineAtMs - clock.now(),
        { unref: true },
      );
    }
  }

  /** Rejects with the abort reason as soon as the run is aborted, whatever `work` does. */
  race<T>(work: () => Promise<T>): Promise<T> {
    const signal = this.controller.signal;
    if (signal.aborted) return Promise.reject(signal.reason as Error);
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => reject(signal.reason as Error);
      signal.addEventListener('abort', onAbort, { once: true });
      const done = (): void => signal.removeEventListener('abort', onAbort);
      work().then(
        (value) => {
          done();
          resolve(value);
        },
        (error: unknown) => {
          done();
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the work's own rejection passes through unchanged
          reject(error);
        },
      );
    });
  }

  sleep(delayMs: number): Promise<void> {
    return this.race(
      () =>
        new Promise<void>((resolve) => {
          const timer = this.clock.setTimeout(resolve, delayMs, { unref: true });
          this.controller.signal.addEventListener('abort', () => this.clock.clearTimeout(timer), {
            once: true,
          });
        }),
    );
  }

  close(): void {
    this.clock.clearTimeout(this.#deadlineTimer);
    this.callerSignal?.removeEventListener('abort', this.#onCallerAbort);
  }
}

async function retryAfterFailure<T>(
  fn: (context: RetryContext) => Promise<T>,
  options: ParsedRetryOptions,
  clock: Clock,
  firstError: { error: unknown } | undefined,
  deadlineAtMs: number,
): Promise<T> {
  const budgetMs = options.deadlineMs ?? Math.max(0, deadlineAtMs - clock.now());
  const run = new RetryRun(clock, options.signal, deadlineAtMs, budgetMs);
  const isRetryable = options.isRetryable ?? ((error: unknown) => isRetryableError(error));
  const random = options.random ?? Math.random;
  let attempt = 1;
  let failure = firstError;
  if (failure === undefined && clock.now() >= deadlineAtMs) {
    run.close();
    throw new TimeoutError(`Retry deadline of ${budgetMs} ms exceeded`, budgetMs);
  }
  try {
    for (;;) {
      if (failure === undefined) {
        try {
          const context: RetryContext = { attempt, signal: run.controller.signal };
          return await run.race(() => fn(context));
        } catch (error) {
          if (run.controller.signal.aborted) throw run.controller.signal.reason as Error;
          failure = { error };
        }
      }
      const error = failure.error;
      if (attempt >= options.maxAttempts || !isRetryable(error, attempt)) throw error as Error;
      const delayMs = backoffDelay(attempt, error, { ...options, random });
      if (clock.now() + delayMs >= deadlineAtMs) throw error as Error;
      options.onRetry?.({ attempt, error, delayMs });
      await run.sleep(delayMs);
      attempt += 1;
      failure = undefined;
    }
  } finally {
    run.close();
  }
}

/**
 * Calls `fn` until it succeeds, at most `maxAttempts` times (default 3), waiting between attempts
 * with exponential backoff and full jitter, at least an error's retry-after hint (capped at
 * `maxRetryAfterMs`, default 60 s). It never retries an error `isRetryable` refuses (aborts, 400s,
 * …), stops at once when `signal` aborts (`ABORTED`), and never runs past the deadline: a wait
 * that would cross it is not started, and a running attempt is aborted at it (`TIMEOUT`).
 * Validated options are cached per options object, so reuse one object on hot paths.
 *
 * @param fn - The work; it receives the attempt number and a signal to pass on to I/O.
 * @example
 * ```ts
 * const reply = await retry(({ signal }) => provider.complete(request, signal), {
 *   maxAttempts: 3,
 *   deadlineMs: 30_000,
 *   signal,
 * });
 * ```
 */
export function retry<T>(fn: (context: RetryContext) => Promise<T>, options?: RetryOptions): Promise<T> {
  let parsed: ParsedRetryOptions;
  try {
    parsed = parse(options);
  } catch (error) {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the work's own rejection passes through unchanged
    return Promise.reject(error);
  }
  if (parsed.signal?.aborted === true) {
    return Promise.reject(new AbortedError(undefined, { cause: parsed.signal.reason }));
  }
  const clock = parsed.clock ?? systemClock;
  const hasDeadline = parsed.deadlineMs !== undefined || parsed.deadlineAtMs !== undefined;
  if (!hasDeadline && parsed.signal === undefined) {
    // The fast path: one call, one `.then`, no timer, no listener.
    let first: Promise<T>;
    try {
      first = fn({ attempt: 1, signal: undefined });
    } catch (error) {
      return retryAfterFailure(fn, parsed, clock, { error }, Number.POSITIVE_INFINITY);
    }
    return first.then(undefined, (error: unknown) =>
      retryAfterFailure(fn, parsed, clock, { error }, Number.POSITIVE_INFINITY),
    );
  }
  const deadlineAtMs = Math.min(
    parsed.deadlineAtMs ?? Number.POSITIVE_INFINITY,
    parsed.deadlineMs === undefined ? Number.POSITIVE_INFINITY : clock.now() + parsed.deadlineMs,
  );
  return retryAfterFailure(fn, parsed, clock, undefined, deadlineAtMs);
}

/**
 * Continues a retried call whose first attempt (made by the caller, outside `retry`) failed with
 * `error`: waits the backoff for attempt 1, then makes attempts 2… under `options`. Internal: the
 * LLM router makes its first attempt itself (already bounded by its own timeout), so the success
 * path costs no timer and no AbortController.
 *
 * @internal
 */
export function retryAfterFirstAttempt<T>(
  fn: (context: RetryContext) => Promise<T>,
  options: RetryOptions,
  error: unknown,
): Promise<T> {
  let parsed: ParsedRetryOptions;
  try {
    parsed = parse(options);
  } catch (invalid) {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- parse throws InvalidOptionsError
    return Promise.reject(invalid);
  }
  const clock = parsed.clock ?? systemClock;
  const deadlineAtMs = Math.min(
    parsed.deadlineAtMs ?? Number.POSITIVE_INFINITY,
    parsed.deadlineMs === undefined ? Number.POSITIVE_INFINITY : clock.now() + parsed.deadlineMs,
  );
  return retryAfterFailure(fn, parsed, clock, { error }, deadlineAtMs);
}
