import { abortableSleep } from '../clock/abortable-sleep.js';
import { type Clock } from '../clock/clock.js';
import { AbortedError } from '../errors/subclasses.js';
import { type AbortSource } from '../lock/abort-source.js';
import { type IdempotencyLeases } from './idempotency-leases.js';
import { type IdempotencyStore } from './idempotency-store.js';
import { flatString } from '../strings/flat-string.js';

/** Turns a result into the string an {@link IdempotencyStore} keeps, and back. */
export interface ResultSerializer<T> {
  serialize(value: T): string;
  deserialize(text: string): T;
}

/** The default encoding of results: JSON under a `value` field, so `undefined` round-trips too. */
export const jsonResultSerializer: ResultSerializer<unknown> = {
  serialize: (value) => {
    // One flat string instead of the rope JSON.stringify may answer: a memory store keeps it for a day.
    return flatString(JSON.stringify({ value }));
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
 * `complete` and release the key when `fn` throws (either write, when the store refuses it, is tried
 * again in the background for a few seconds; after that only the lease frees the key).
 *
 * Internal. For callers that already own a lease covering `fn` — the bot's turn runner holds the
 * chat lock, which aborts its signal when that lease is lost — so aborting `fn` when the idempotency
 * lease runs out would add a timer and an AbortController per call and protect nothing more.
 *
 * `abort` is checked before each `begin`; its signal is read only to wait for a record held elsewhere.
 * With `leases`, a started record is held in it while `fn` runs (dropped before `complete` or
 * `release`), so the owner can extend it on each renewal of its own lease (see {@link IdempotencyLeases}).
 */
export async function runOnce<T>(
  store: IdempotencyStore,
  key: string,
  fn: () => Promise<T> | T,
  settings: RunOnceSettings<T>,
  abort: AbortSource | undefined,
  leases?: IdempotencyLeases,
): Promise<T> {
  // Bounded by time: a key stays in progress at most `leaseMs` after its owner stopped renewing it.
  for (;;) {
    if (abort?.isAborted === true) throw new AbortedError(`idempotent: aborted while waiting for "${key}"`);
    const begun = await store.begin(key, { leaseMs: settings.leaseMs });
    if (begun.status === 'completed') return settings.serializer.deserialize(begun.result);
    if (begun.status === 'started') {
      const { token } = begun;
      let value: T;
      let text: string;
      leases?.hold(key, token);
      try {
        value = await fn();
        text = settings.serializer.serialize(value);
      } catch (error) {
        leases?.drop(key, token);
        try {
          await store.release(key, token);
        } catch {
          // Tried again in the background; at worst the key frees itself when its lease ends.
          retryReleasing(store, key, token, settings);
        }
        throw error;
      }
      leases?.drop(key, token);
      try {
        await store.complete(key, token, text, { ttlMs: settings.ttlMs });
      } catch {
        // The caller still gets the result. Tried again in the background: a record left in progress
        // would hold the key for its whole lease and then let the work run a second time.
        retryCompleting(store, key, token, text, settings);
      }
      return value;
    }
    await abortableSleep(
      settings.clock,
      settings.pollIntervalMs,
      // Created only here: a caller that never waits for another's record never needs the signal.
      abort?.signal,
      () => new AbortedError('idempotent: aborted while waiting'),
    );
  }
}

/** {@link retryClosingWrite} of a `release` (its closure made here: runOnce itself captures nothing). */
function retryReleasing<T>(
  store: IdempotencyStore,
  key: string,
  token: string,
  settings: RunOnceSettings<T>,
): void {
  retryClosingWrite(() => store.release(key, token), settings);
}

/** {@link retryClosingWrite} of a `complete` (its closure made here, off the path that succeeds). */
function retryCompleting<T>(
  store: IdempotencyStore,
  key: string,
  token: string,
  text: string,
  settings: RunOnceSettings<T>,
): void {
  retryClosingWrite(() => store.complete(key, token, text, { ttlMs: settings.ttlMs }), settings);
}

/** Waits before each further try of a `complete` or `release` the store refused (about 8 s in all). */
const closingRetryDelaysMs = [100, 250, 500, 1_000, 2_000, 4_000];

/**
 * Tries a failed `complete` or `release` again in the background (on `clock`, unref'd timers, errors
 * swallowed) until the store takes it, the delays are used up, or the lease would have ended anyway —
 * so a store restart of a second or two neither strands the key for its whole lease nor loses a
 * result. Safe to repeat: both only act while the token still owns the key.
 */
function retryClosingWrite(write: () => Promise<void>, settings: { clock: Clock; leaseMs: number }): void {
  const { clock, leaseMs } = settings;
  const startedAtMs = clock.now();
  const tryAgain = (attempt: number): void => {
    const delayMs = closingRetryDelaysMs[attempt];
    if (delayMs === undefined || clock.now() + delayMs - startedAtMs >= leaseMs) return;
    clock.setTimeout(() => void write().catch(() => tryAgain(attempt + 1)), delayMs, { unref: true });
  };
  tryAgain(0);
}
