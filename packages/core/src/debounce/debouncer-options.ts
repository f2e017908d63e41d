import { z } from 'zod';
import { type Clock } from '../clock/clock.js';
import { type AbortSource } from '../lock/abort-source.js';
import { BotkeelError } from '../errors/botkeel-error.js';
import { type Logger } from '../logger/logger.js';
import { type DebounceStore } from './debounce-store.js';
import { flatString } from '../strings/flat-string.js';

/**
 * What {@link DebouncerOptions.onFlush} learns about the batch besides its items. It is an
 * {@link AbortSource} of the batch's lease: hand it to `createChatLock`'s `run({ abortSource })` so
 * no `AbortSignal` is created for a batch that is never aborted.
 */
export interface FlushInfo extends AbortSource {
  /** Stable id of the batch, the same on every delivery: key side effects on it to make them idempotent. */
  readonly batchId: string;
  /** 1 on the first delivery, more when the batch comes back after a failure or a crashed instance. */
  readonly deliveries: number;
  /** When the batch fell due (ms since epoch). */
  readonly dueAtMs: number;
  /**
   * Aborted when this instance lost the batch's lease (another instance may now deliver it) or
   * `stop()` gave up waiting. Pass it on to LLM calls and sends.
   */
  readonly signal: AbortSignal;
}

/** What {@link DebouncerOptions.onDeadLetter} learns about a batch given up on. */
export interface DeadLetterInfo extends FlushInfo {
  /** The last delivery's error; `undefined` when the batch came back from a crash past `maxDeliveries`. */
  readonly error: unknown;
}

/** Turns items into the strings a {@link DebounceStore} keeps, and back. */
export interface DebounceCodec<Item> {
  /** Serializes one item. */
  encode(item: Item): string;
  /** Parses one stored item; throwing counts as a failed delivery. */
  decode(text: string): Item;
}

/** Options of {@link createDebouncer}. */
export interface DebouncerOptions<Item> {
  /** Where bursts live; share one store between instances to debounce across them. */
  store: DebounceStore;
  /** Flush when a key has been quiet this long. */
  quietMs: number;
  /** Flush at the latest this long after a burst's first item; at least `quietMs`. */
  maxWaitMs: number;
  /** Flush as soon as a burst holds this many items. */
  maxItems: number;
  /**
   * Handles one batch: every item of the burst, in push order. Resolving acknowledges the batch;
   * throwing (or rejecting) makes it come back later with the same `batchId`. Runs at most once at a
   * time per key across all instances sharing the store, as long as the lease is kept.
   */
  onFlush: (key: string, items: Item[], info: FlushInfo) => Promise<void> | void;
  /**
   * Receives a batch that failed `maxDeliveries` times, with its items still encoded. The batch is
   * removed once this resolves; when it throws, the batch is kept and offered again later. Without
   * it, the batch and its items are logged at `error` level and removed.
   */
  onDeadLetter?: (key: string, encodedItems: readonly string[], info: DeadLetterInfo) => Promise<void> | void;
  /** Source of time and timers. Default {@link systemClock}. */
  clock?: Clock;
  /** Where problems are logged (through the redacting safe logger). Default silent. */
  logger?: Logger;
  /** How long a claimed batch belongs to this instance; renewed every third of it while `onFlush` runs. Default 30 s. */
  leaseMs?: number;
  /** Longest sleep between looks at the store, so bursts pushed by other instances are seen. Default 1 s. */
  pollMs?: number;
  /** At most this many `onFlush` calls at once in this instance. Default 16. */
  concurrency?: number;
  /** Deliveries of one batch before it is dead-lettered. Default 5. */
  maxDeliveries?: number;
  /** Wait before the second delivery of a failed batch; doubles with every further failure. Default 1 s. */
  retryDelayMs?: number;
  /** Upper bound of that wait. Default 60 s. */
  maxRetryDelayMs?: number;
  /** How items are stored. Default JSON. */
  codec?: DebounceCodec<Item>;
}

const isFunction = (value: unknown): boolean => typeof value === 'function';
const hasMethods =
  (...names: string[]) =>
  (value: unknown): boolean =>
    typeof value === 'object' &&
    value !== null &&
    names.every((name) => isFunction((value as Record<string, unknown>)[name]));

const positiveInteger = z.number().int().positive();

/** The zod schema behind {@link createDebouncer}'s validation (numbers get their defaults here). */
export const debouncerOptionsSchema = z
  .object({
    store: z.custom<DebounceStore>(hasMethods('push', 'claimDue', 'ack', 'extendLease', 'nextDueAt'), {
      message: 'expected a DebounceStore',
    }),
    quietMs: positiveInteger,
    maxWaitMs: positiveInteger,
    maxItems: positiveInteger,
    onFlush: z.custom<unknown>(isFunction, { message: 'expected a function' }),
    onDeadLetter: z.custom<unknown>(isFunction, { message: 'expected a function' }).optional(),
    clock: z
      .custom<Clock>(hasMethods('now', 'setTimeout', 'clearTimeout'), { message: 'expected a Clock' })
      .optional(),
    logger: z
      .custom<Logger>(hasMethods('warn', 'error', 'child'), { message: 'expected a Logger' })
      .optional(),
    leaseMs: positiveInteger.min(3, 'expected at least 3 ms').default(30_000),
    pollMs: positiveInteger.default(1_000),
    concurrency: positiveInteger.default(16),
    maxDeliveries: positiveInteger.default(5),
    retryDelayMs: positiveInteger.default(1_000),
    maxRetryDelayMs: positiveInteger.default(60_000),
    codec: z
      .custom<unknown>(hasMethods('encode', 'decode'), { message: 'expected { encode, decode }' })
      .optional(),
  })
  .refine((options) => options.maxWaitMs >= options.quietMs, {
    path: ['maxWaitMs'],
    message: 'must be at least quietMs',
  });

/**
 * The default {@link DebounceCodec}: JSON. Items must survive `JSON.stringify`/`JSON.parse`
 * (plain objects, arrays, strings, numbers, booleans, null).
 *
 * @example
 * ```ts
 * const codec = jsonCodec<BotMessage>();
 * codec.decode(codec.encode(message));
 * ```
 */
export function jsonCodec<Item>(): DebounceCodec<Item> {
  return {
    encode(item: Item): string {
      let text: string | undefined;
      try {
        text = JSON.stringify(item);
      } catch (error) {
        throw new BotkeelError('INVALID_UPDATE', 'Debounced item is not JSON-serializable', { cause: error });
      }
      if (text === undefined)
        throw new BotkeelError('INVALID_UPDATE', 'Debounced item is not JSON-serializable');
      // Kept until the batch is flushed: one flat string, not the rope JSON.stringify may answer.
      return flatString(text);
    },
    decode: (text: string): Item => JSON.parse(text) as Item,
  };
}
