import { type Clock, type TimerOptions } from './clock.js';

/**
 * Waits `delayMs` on `clock`, or rejects with `abortError()` as soon as `signal` aborts (at once when
 * it already has). Internal: the one abortable wait behind the router's backoff and the idempotency
 * poll.
 */
export function abortableSleep(
  clock: Clock,
  delayMs: number,
  signal: AbortSignal | undefined,
  abortError: () => Error,
  timerOptions?: TimerOptions,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortError());
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      reject(abortError());
    };
    const timer = clock.setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      delayMs,
      timerOptions,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
