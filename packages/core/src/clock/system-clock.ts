import { type Clock, type TimerHandle, type TimerOptions } from './clock.js';

/**
 * The real clock: `Date.now()` and Node's timers. The default wherever a `clock` option is omitted.
 *
 * @example
 * ```ts
 * const startedAt = systemClock.now();
 * ```
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback: () => void, delayMs: number, options?: TimerOptions): TimerHandle {
    const timer = setTimeout(callback, Number.isFinite(delayMs) ? Math.max(0, delayMs) : 0);
    if (options?.unref === true) timer.unref();
    return timer;
  },
  clearTimeout(handle: TimerHandle | undefined): void {
    if (handle !== undefined) clearTimeout(handle as NodeJS.Timeout);
  },
};
