import { z } from 'zod';
import { type Clock } from '../clock/clock.js';

/** What a retried function receives. */
export interface RetryContext {
  /** 1 for the first call, 2 for the first retry, … */
  attempt: number;
  /** Aborted when the caller aborts or the deadline passes; pass it on to I/O. */
  signal: AbortSignal | undefined;
}

/** What `onRetry` receives before each wait. */
export interface RetryEvent {
  /** The attempt that failed (1-based). */
  attempt: number;
  /** Its error. */
  error: unknown;
  /** How long retry waits before the next attempt. */
  delayMs: number;
}

/** Options of {@link retry}. */
export interface RetryOptions {
  /** Attempts in all, the first included. Integer 1…100, default 3. */
  maxAttempts?: number;
  /** The backoff before the first retry (before jitter). Default 200. */
  baseDelayMs?: number;
  /** The largest backoff (before jitter). Default 10,000. */
  maxDelayMs?: number;
  /** The largest retry-after hint honoured; longer hints wait this long. Default 60,000. */
  maxRetryAfterMs?: number;
  /** A time budget for the whole call, from its start. */
  deadlineMs?: number;
  /** An absolute deadline (ms since the epoch by `clock`); the earlier of the two applies. */
  deadlineAtMs?: number;
  /** Random numbers in [0, 1) for the jitter. Default `Math.random`; see `createSeededRandom`. */
  random?: () => number;
  /** Decides whether an error may be retried. Default {@link isRetryableError}. */
  isRetryable?: (error: unknown, attempt: number) => boolean;
  /** Called before each wait (for logs and metrics). */
  onRetry?: (event: RetryEvent) => void;
  /** Stops everything at once: the running attempt's signal and any wait. */
  signal?: AbortSignal;
  /** Default: the system clock. */
  clock?: Clock;
}

const positiveInteger = z.number().int().positive();
const nonNegative = z.number().finite().nonnegative();
const functionSchema = <T>() => z.custom<T>((value) => typeof value === 'function');

/** Validates {@link RetryOptions}. */
export const retryOptionsSchema = z
  .object({
    maxAttempts: positiveInteger.max(100).default(3),
    baseDelayMs: nonNegative.default(200),
    maxDelayMs: nonNegative.default(10_000),
    maxRetryAfterMs: nonNegative.default(60_000),
    deadlineMs: z.number().finite().positive().optional(),
    deadlineAtMs: z.number().finite().optional(),
    random: functionSchema<() => number>().optional(),
    isRetryable: functionSchema<(error: unknown, attempt: number) => boolean>().optional(),
    onRetry: functionSchema<(event: RetryEvent) => void>().optional(),
    signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal).optional(),
    clock: z.custom<Clock>((value) => typeof (value as Clock | undefined)?.now === 'function').optional(),
  })
  .refine((options) => options.maxDelayMs >= options.baseDelayMs, {
    message: 'must be at least baseDelayMs',
    path: ['maxDelayMs'],
  });
