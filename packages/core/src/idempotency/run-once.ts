import { type Clock } from '../clock/clock.js';
import { AbortedError } from '../errors/subclasses.js';
import { type IdempotencyStore } from './idempotency-store.js';

/** Turns a result into the string an {@link IdempotencyStore} keeps, and back. */
export interface ResultSerializer<T> {
  serialize(value: T): string;
  deserialize(text: string): T;
}

/** The default encoding of results: JSON under a `value` field, so `undefined` round-trips too. */
export const jsonResultSerializer: ResultSerializer<unknown> = {
  serialize: (value) => {
    const text = JSON.stringify({ value });
    // One flat string instead of the rope JSON.stringify may answer: a memory store keeps it for a day.
    void Number(text);
    return text;
  },
  deserialize: (text) => (JSON.parse(text) as { value?: unknown }).value,
};

/** Checked settings of {@link runOnce} (callers validate them once, not per call). */
export interface RunOnceSettings<T> {
  readonly ttlMs: number;
  readonly leaseMs: number;
  readonly pollIntervalMs: number;
  readonly clock: Clock;
  readonly serializer: ResultSerializer<T>;
}

/**
 * The bookkeeping of `idempotent()` without its lease timer: `begin`, then replay a stored result,
 * wait for a live lease held elsewhere (polling, abortable), or run `fn`, store its result with
 * `complete` (a failed store only leaves the key to its lease) and release the key when `fn` throws.
 *
 * Internal. For callers that already own a lease covering `fn` — the bot's turn runner holds the
 * chat lock, which aborts its signal when that lease is lost — so aborting `fn` when the idempotency
 * lease runs out would add a timer and an AbortController per call and protect nothing more.
 */
export async function runOnce<T>(
  store: IdempotencyStore,
  key: string,
  fn: () => Promise<T> | T,
  settings: RunOnceSettings<T>,
  signal: AbortSignal | undefined,
): Promise<T> {
  // Bounded by time: a key stays in progress at most `leaseMs` after its owner stopped renewing it.
  for (;;) {
    if (signal?.aborted === true) throw new AbortedError(`idempotent: aborted while waiting for "${key}"`);
    const begun = await store.begin(key, { leaseMs: settings.leaseMs });
    if (begun.status === 'completed') return settings.serializer.deserialize(begun.result);
    if (begun.status === 'started') {
      let value: T;
      let text: string;
      try {
        value = await fn();
        text = settings.serializer.serialize(value);
      } catch (error) {
        try {
          await store.release(key, begun.token);
        } catch {
          // The key then frees itself when its lease ends.
        }
        throw error;
      }
      try {
        await store.complete(key, begun.token, text, { ttlMs: settings.ttlMs });
      } catch {
        // A result that could not be stored only leaves the key to its lease; the caller still gets it.
      }
      return value;
    }
    await pause(settings.clock, settings.pollIntervalMs, signal);
  }
}

/** Waits `delayMs` on `clock`, or rejects with `ABORTED` when `signal` fires first. */
function pause(clock: Clock, delayMs: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clock.clearTimeout(timer);
      reject(new AbortedError('idempotent: aborted while waiting'));
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, delayMs);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
