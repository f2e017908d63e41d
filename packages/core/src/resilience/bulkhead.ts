import { z } from 'zod';
import { BotkeelError } from '../errors/botkeel-error.js';
import { parseOptions } from '../errors/parse-options.js';
import { AbortedError } from '../errors/subclasses.js';

/** Options of {@link createBulkhead}. */
export interface BulkheadOptions {
  /** Calls running at once. Positive integer. */
  maxConcurrent: number;
  /** Calls waiting for a slot; one more is refused at once with `BULKHEAD_FULL`. Default 0. */
  maxQueue?: number;
  /** Names the bulkhead in errors. Default `'default'`. */
  name?: string;
}

/** Limits how many calls run at once (e.g. concurrent LLM requests), with a bounded queue. */
export interface Bulkhead {
  /** Calls running now. */
  readonly active: number;
  /** Calls waiting for a slot now. */
  readonly queued: number;
  /**
   * Runs `fn` when a slot is free; waits in the queue while none is; rejects at once with
   * `BULKHEAD_FULL` when the queue is full, and with `ABORTED` when `signal` aborts while waiting.
   */
  execute<T>(fn: (signal: AbortSignal | undefined) => Promise<T>, signal?: AbortSignal): Promise<T>;
}

const optionsSchema = z.object({
  maxConcurrent: z.number().int().positive(),
  maxQueue: z.number().int().nonnegative().default(0),
  name: z.string().min(1).max(200).default('default'),
});

interface Waiter {
  grant: () => void;
  isCancelled: boolean;
}

class BulkheadImplementation implements Bulkhead {
  #active = 0;
  #waiting = 0;
  readonly #queue: (Waiter | undefined)[] = [];
  #queueHead = 0;
  readonly #maxConcurrent: number;
  readonly #maxQueue: number;
  readonly #name: string;

  constructor(options: BulkheadOptions) {
    const parsed = parseOptions('createBulkhead', optionsSchema, options);
    this.#maxConcurrent = parsed.maxConcurrent;
    this.#maxQueue = parsed.maxQueue;
    this.#name = parsed.name;
  }

  get active(): number {
    return this.#active;
  }

  get queued(): number {
    return this.#waiting;
  }

  execute<T>(fn: (signal: AbortSignal | undefined) => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted === true)
      return Promise.reject(new AbortedError(undefined, { cause: signal.reason }));
    if (this.#active < this.#maxConcurrent) {
      this.#active += 1;
      return this.#run(fn, signal);
    }
    if (this.#waiting >= this.#maxQueue) {
      return Promise.reject(
        new BotkeelError(
          'BULKHEAD_FULL',
          `Bulkhead "${this.#name}" is full: ${this.#active} running, ${this.#waiting} waiting`,
        ),
      );
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = (): void => {
        waiter.isCancelled = true;
        this.#waiting -= 1;
        reject(new AbortedError(undefined, { cause: signal?.reason }));
      };
      const waiter: Waiter = {
        isCancelled: false,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          this.#run(fn, signal).then(resolve, reject);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
      this.#waiting += 1;
    });
  }

  async #run<T>(
    fn: (signal: AbortSignal | undefined) => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    try {
      return await fn(signal);
    } finally {
      this.#release();
    }
  }

  /** Hands the slot to the next live waiter, or frees it. */
  #release(): void {
    while (this.#queueHead < this.#queue.length) {
      const waiter = this.#queue[this.#queueHead];
      this.#queue[this.#queueHead] = undefined;
      this.#queueHead += 1;
      if (this.#queueHead > 1_024 && this.#queueHead * 2 > this.#queue.length) {
        this.#queue.splice(0, this.#queueHead);
        this.#queueHead = 0;
      }
      if (waiter === undefined || waiter.isCancelled) continue;
      this.#waiting -= 1;
      waiter.grant();
      return;
    }
    this.#queue.length = 0;
    this.#queueHead = 0;
    this.#active -= 1;
  }
}

/**
 * Creates a bulkhead: at most `maxConcurrent` calls run at once, at most `maxQueue` wait, and
 * the next one is refused at once with a `BULKHEAD_FULL` error (retryable) instead of piling up.
 *
 * @example
 * ```ts
 * const llmCalls = createBulkhead({ maxConcurrent: 8, maxQueue: 32 });
 * const reply = await llmCalls.execute((signal) => router.complete(request, { signal }), signal);
 * ```
 */
export function createBulkhead(options: BulkheadOptions): Bulkhead {
  return new BulkheadImplementation(options);
}
