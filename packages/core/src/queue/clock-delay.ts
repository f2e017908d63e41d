import { type Clock } from '../clock/clock.js';
import { AbortedError } from '../errors/subclasses.js';

/** Resolves after `delayMs` on `clock`; rejects with `ABORTED` as soon as `signal` aborts. */
export function clockDelay(clock: Clock, delayMs: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.reject(new AbortedError(undefined, { cause: signal.reason }));
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(new AbortedError(undefined, { cause: signal.reason }));
    };
    const handle = clock.setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
