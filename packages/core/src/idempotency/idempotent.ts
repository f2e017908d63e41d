import { z } from 'zod';
import { type Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { parseOptions } from '../errors/parse-options.js';
import { AbortedError } from '../errors/subclasses.js';
import { abortSourceOf } from '../lock/abort-source.js';
import { type IdempotencyStore } from './idempotency-store.js';
import { jsonResultSerializer, type ResultSerializer, runOnce } from './run-once.js';

export { type ResultSerializer } from './run-once.js';

/** Options of {@link idempotent}. */
export interface IdempotentOptions<T> {
  /** How long the result is kept (and replayed to later callers). */
  ttlMs: number;
  /**
   * How long one run may take before another caller may start it again (crash recovery). Pick it
   * above the slowest `fn`: when it runs out, `fn`'s signal is aborted.
   */
  leaseMs: number;
  /** How often a caller that found the key in progress asks again. Default `min(100, leaseMs / 10)`. */
  pollIntervalMs?: number;
  /** The clock for polling and the lease timer. Default {@link systemClock}. */
  clock?: Clock;
  /** Aborts waiting (and is passed on to `fn`). */
  signal?: AbortSignal;
  /** How results are stored. Default JSON (so `undefined`, numbers, objects and arrays round-trip). */
  serializer?: ResultSerializer<T>;
}

const optionsSchema = z.object({
  ttlMs: z.number().finite().positive(),
  leaseMs: z.number().finite().positive(),
  pollIntervalMs: z.number().finite().positive().optional(),
  clock: z.custom<Clock>((value) => typeof (value as Clock | undefined)?.now === 'function').optional(),
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal).optional(),
  serializer: z
    .custom<ResultSerializer<unknown>>(
      (value) => typeof (value as ResultSerializer<unknown> | undefined)?.serialize === 'function',
    )
    .optional(),
});

function isPositiveNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

/** The same rules as `optionsSchema`, without allocating; `false` sends the options through zod. */
function hasValidOptions<T>(options: IdempotentOptions<T>): boolean {
  if (typeof options !== 'object' || options === null) return false;
  const { ttlMs, leaseMs, pollIntervalMs, clock, signal, serializer } = options as Partial<
    Record<keyof IdempotentOptions<T>, unknown>
  >;
  return (
    isPositiveNumber(ttlMs) &&
    isPositiveNumber(leaseMs) &&
    (pollIntervalMs === undefined || isPositiveNumber(pollIntervalMs)) &&
    (clock === undefined || typeof (clock as Clock | null)?.now === 'function') &&
    (signal === undefined || signal instanceof AbortSignal) &&
    (serializer === undefined || typeof (serializer as ResultSerializer<T> | null)?.serialize === 'function')
  );
}

/**
 * Runs `fn` once per `key` across every caller sharing `store` (instances included) and gives all
 * of them its result. Concurrent callers with one key wait for the first run and receive its result;
 * later callers get the stored result for `ttlMs`; when `fn` throws, the key is released and the
 * error goes to that caller (a waiting caller then runs `fn` itself). When a run outlives `leaseMs`,
 * `fn`'s signal aborts and another caller may start over. If storing the result fails, this caller
 * still gets it, but the key is only freed when the lease ends; a result the serializer cannot
 * encode (e.g. a `BigInt` with the default JSON) fails the call and frees the key.
 *
 * @param key - names the work, e.g. `send:${batchId}`
 * @param fn - the work; receives a signal that aborts when the caller aborts or the lease runs out
 * @example
 * ```ts
 * const store = new MemoryIdempotencyStore();
 * const sent = await idempotent(store, `reply:${batchId}`, () => channel.send(reply), {
 *   ttlMs: 86_400_000,
 *   leaseMs: 30_000,
 * });
 * ```
 */
export async function idempotent<T>(
  store: IdempotencyStore,
  key: string,
  fn: (signal: AbortSignal) => Promise<T> | T,
  options: IdempotentOptions<T>,
): Promise<T> {
  // Hot path (one call per turn and per reply): a hand check first; zod only to name a bad field.
  const parsed = hasValidOptions(options) ? options : parseOptions('idempotent', optionsSchema, options);
  const clock = parsed.clock ?? systemClock;
  const { signal } = options;
  const leased = async (): Promise<T> => {
    const lease = new AbortController();
    const timer = clock.setTimeout(
      () => lease.abort(new AbortedError(`idempotent: lease of "${key}" ran out`)),
      parsed.leaseMs,
      { unref: true },
    );
    const onAbort = (): void => lease.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      return await fn(lease.signal);
    } finally {
      clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  };
  return runOnce(
    store,
    key,
    leased,
    {
      ttlMs: parsed.ttlMs,
      leaseMs: parsed.leaseMs,
      pollIntervalMs: parsed.pollIntervalMs ?? Math.max(1, Math.min(100, parsed.leaseMs / 10)),
      clock,
      serializer: options.serializer ?? (jsonResultSerializer as ResultSerializer<T>),
    },
    signal === undefined ? undefined : abortSourceOf(signal),
  );
}
