import { AbortedError, type Clock } from '@botkeel/core';

/**
 * Waits `delayMs` on `clock`; rejects with `AbortedError` as soon as `signal` aborts.
 *
 * @example
 * ```ts
 * await sleep(clock, 1_000, signal);
 * ```
 */
export function sleep(clock: Clock, delayMs: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true) return Promise.reject(new AbortedError());
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      reject(new AbortedError());
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
