/** An opaque handle for a scheduled callback, returned by {@link Clock.setTimeout}. */
export type TimerHandle = { readonly __botkeelTimer: never } | object;

/** Options for {@link Clock.setTimeout}. */
export interface TimerOptions {
  /** When true, the timer does not keep a Node.js process alive (system clock only). */
  unref?: boolean;
}

/**
 * The source of all time in Botkeel: every TTL, backoff, lease, debounce window and breaker reads
 * `now()` and schedules through `setTimeout` here, so tests drive time with a manual clock.
 * It is also a valid XState clock (`createActor(machine, { clock })`).
 *
 * @example
 * ```ts
 * const clock = createManualClock(0);
 * const limiter = createRateLimiter({ rules: [{ limit: 5, windowMs: 1_000 }], chain: [new MemoryRateLimitStore({ clock })], clock });
 * clock.advance(1_000);
 * ```
 */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `callback` once, after `delayMs` (negative or NaN delays count as 0). */
  setTimeout(callback: () => void, delayMs: number, options?: TimerOptions): TimerHandle;
  /** Cancels a timer; unknown or already-fired handles are ignored. */
  clearTimeout(handle: TimerHandle | undefined): void;
}
