import { z } from 'zod';
import { AbortedError } from '../errors/subclasses.js';
import { parseOptions } from '../errors/parse-options.js';
import { QueueFullError } from './queue-full-error.js';

/** Options of {@link createKeyedQueue}. */
export interface KeyedQueueOptions {
  /**
   * How many tasks may WAIT per key (the running one not counted); one more rejects with
   * `QUEUE_FULL`. Default 100.
   */
  maxQueuedPerKey?: number;
}

/** Options of one {@link KeyedQueue.run} call. */
export interface KeyedQueueRunOptions {
  /** Aborting it while the task waits removes the task from the queue; the task itself receives it too. */
  signal?: AbortSignal;
}

/** A task run by a {@link KeyedQueue}; it receives the caller's signal (or one that never aborts). */
export type KeyedTask<T> = (signal: AbortSignal) => Promise<T>;

/**
 * Runs async tasks one at a time per key, in arrival order per key, with different keys in parallel.
 * A key's entry exists only while it has a task running or waiting, so memory follows the number of
 * busy keys, not the number of keys ever seen.
 */
export interface KeyedQueue {
  /**
   * Runs `task` once every earlier task of `key` has settled; resolves or rejects as `task` does.
   * Rejects with `QUEUE_FULL` when `maxQueuedPerKey` tasks already wait, and with `ABORTED` when the
   * signal aborts before the task starts.
   */
  run<T>(key: string, task: KeyedTask<T>, options?: KeyedQueueRunOptions): Promise<T>;
  /** Tasks of `key` running or waiting. */
  pending(key: string): number;
  /** Keys with a task running or waiting. */
  readonly size: number;
  /** Resolves once no task runs or waits under any key (at once when idle). */
  onIdle(): Promise<void>;
}

const optionsSchema = z
  .object({ maxQueuedPerKey: z.number().int().min(0).max(1_000_000).optional() })
  .strict();

interface Waiter {
  readonly start: () => void;
}

interface KeyEntry {
  readonly waiting: Waiter[];
}

const neverAborted = new AbortController().signal;

/**
 * Creates a {@link KeyedQueue}: at most one task per key at a time in this process, FIFO per key,
 * bounded per key, and nothing kept for idle keys. Serializes the turns of one chat inside one
 * process; combine it with a `LockStore` through {@link createChatLock} for cluster-wide serialization.
 *
 * @example
 * ```ts
 * const queue = createKeyedQueue({ maxQueuedPerKey: 50 });
 * await queue.run('chat:42', async (signal) => runTurn('chat:42', { signal }));
 * ```
 */
export function createKeyedQueue(options: KeyedQueueOptions = {}): KeyedQueue {
  const parsed = parseOptions('createKeyedQueue', optionsSchema, options);
  const maxQueuedPerKey = parsed.maxQueuedPerKey ?? 100;
  const entries = new Map<string, KeyEntry>();
  let idleWaiters: Array<() => void> = [];

  const finish = (key: string, entry: KeyEntry): void => {
    const next = entry.waiting.shift();
    if (next !== undefined) {
      next.start();
      return;
    }
    entries.delete(key);
    if (entries.size === 0 && idleWaiters.length > 0) {
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  };

  /** Runs `task`, then starts the key's next one (a `.then`, not an async wrapper: one promise less per task). */
  const execute = <T>(key: string, entry: KeyEntry, task: KeyedTask<T>, signal: AbortSignal): Promise<T> => {
    let running: Promise<T>;
    try {
      // The same promise when it is one (no wrapper); a thenable is adopted as `await` did.
      running = Promise.resolve(task(signal));
    } catch (error) {
      finish(key, entry);
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what the task threw, unchanged, as before
      return Promise.reject(error);
    }
    return running.then(
      (value) => {
        finish(key, entry);
        return value;
      },
      (error: unknown) => {
        finish(key, entry);
        throw error;
      },
    );
  };

  return {
    run<T>(key: string, task: KeyedTask<T>, runOptions: KeyedQueueRunOptions = {}): Promise<T> {
      const signal = runOptions.signal ?? neverAborted;
      if (signal.aborted)
        return Promise.reject(
          new AbortedError('The task was aborted before it started', { cause: signal.reason }),
        );
      const existing = entries.get(key);
      if (existing === undefined) {
        const entry: KeyEntry = { waiting: [] };
        entries.set(key, entry);
        return execute(key, entry, task, signal);
      }
      if (existing.waiting.length >= maxQueuedPerKey)
        return Promise.reject(new QueueFullError(key, maxQueuedPerKey));
      return new Promise<T>((resolve, reject) => {
        const onAbort = (): void => {
          const index = existing.waiting.indexOf(waiter);
          if (index >= 0) existing.waiting.splice(index, 1);
          reject(
            new AbortedError('The task was aborted while it waited for its key', { cause: signal.reason }),
          );
        };
        const waiter: Waiter = {
          start: () => {
            signal.removeEventListener('abort', onAbort);
            execute(key, existing, task, signal).then(resolve, reject);
          },
        };
        existing.waiting.push(waiter);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },
    pending(key: string): number {
      const entry = entries.get(key);
      return entry === undefined ? 0 : entry.waiting.length + 1;
    },
    get size(): number {
      return entries.size;
    },
    onIdle(): Promise<void> {
      if (entries.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
  };
}
