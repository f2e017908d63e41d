import { z } from 'zod';
import { type Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { parseOptions } from '../errors/parse-options.js';
import { AbortedError, InvalidOptionsError, TimeoutError } from '../errors/subclasses.js';
import { type AbortSource, abortSourceOf } from '../lock/abort-source.js';
import { LockLostError } from '../lock/lock-lost-error.js';
import { type LockLease, type LockStore } from '../lock/lock-store.js';
import { RenewalSchedule } from '../clock/renewal-schedule.js';
import { ChatHold, type HoldSettings } from './chat-hold.js';
import { clockDelay } from './clock-delay.js';
import { createKeyedQueue, type KeyedQueue } from './keyed-queue.js';

/** Options of {@link createChatLock}. */
export interface ChatLockOptions {
  /** Where leases live: `MemoryLockStore` in one process, `RedisLock` across instances. */
  locks: LockStore;
  /** Timers for renewal and acquisition retries. Default {@link systemClock}. */
  clock?: Clock;
  /** Lease length; the lease is renewed while the task runs. Default 30,000. */
  leaseMs?: number;
  /** How often the lease is renewed while the task runs; below `leaseMs`. Default a third of `leaseMs`. */
  renewEveryMs?: number;
  /** How long to keep trying when another instance holds the chat. Default 10,000. */
  acquireTimeoutMs?: number;
  /** The pause between acquisition attempts. Default 50. */
  retryDelayMs?: number;
  /** Turns that may wait per chat in this process (see {@link KeyedQueueOptions}). Default 100. */
  maxQueuedPerChat?: number;
  /** Lock key of a chat. Default `turn:${chatId}`. */
  lockKey?: (chatId: string) => string;
}

/**
 * What a task run under {@link ChatLock.run} receives. As an {@link AbortSource} it tells whether the
 * task was aborted (`isAborted`, `reason`) without creating its `signal`.
 */
export interface ChatTurnContext extends AbortSource {
  /** The chat being served. */
  readonly chatId: string;
  /** Strictly increasing per chat across holders; pass it to stores that can reject stale writers. */
  readonly fencingToken: number;
  /** Aborts when the caller aborts or the lease is lost (reason: a `LOCK_LOST` error). */
  readonly signal: AbortSignal;
  /**
   * Renews `renewal` together with the chat's lease, for the rest of the task: after each successful
   * renewal of the lease, `renewal()` runs (e.g. extending idempotency records the task holds with
   * the same lease). Resolving `false` counts as losing the lease (the task's signal aborts with
   * `LOCK_LOST`); rejecting counts as a failed renewal (retried at the next one while the lease may
   * still be valid, lost after that).
   */
  onRenew(renewal: () => Promise<boolean>): void;
}

/** Options of one {@link ChatLock.run} call. */
export interface ChatLockRunOptions {
  /** Aborts the wait in the queue, the acquisition, and (through its context) the task. */
  signal?: AbortSignal;
  /**
   * Instead of `signal`: the same, from an {@link AbortSource} whose signal is created only when it is
   * needed — to wait behind another turn of the chat, to retry the acquisition, or when the task reads
   * its own `signal` and the source has not aborted (then the task's signal listens to the source
   * without creating its signal). A debouncer's `FlushInfo` is one. Not together with `signal`.
   */
  abortSource?: AbortSource;
}

/** One turn at a time per chat: in this process through a keyed queue, across processes through a lease. */
export interface ChatLock {
  /**
   * Runs `task` holding the chat: queued behind this process's earlier turns of the chat, then under
   * a lease renewed every `renewEveryMs` and released afterwards by its owner.
   *
   * Rejects with `QUEUE_FULL` when too many turns wait for the chat here, `TIMEOUT` when another
   * holder keeps the lease past `acquireTimeoutMs`, `ABORTED` on the caller's signal, and
   * `LOCK_LOST` when the lease was lost before the task finished — even if the task then resolved,
   * since its work was no longer protected (the checkpoint compare-and-swap is the last line of
   * defence); the task's own error, if any, is the `cause`.
   */
  run<T>(
    chatId: string,
    task: (turn: ChatTurnContext) => Promise<T>,
    options?: ChatLockRunOptions,
  ): Promise<T>;
  /** The in-process queue in front of the lock (for sizes and `onIdle` at shutdown). */
  readonly queue: KeyedQueue;
  /** The lease length (ms) a holder is given and renewed to. */
  readonly leaseMs: number;
}

const optionsSchema = z
  .object({
    locks: z.custom<LockStore>(
      (value) => typeof value === 'object' && value !== null && 'acquire' in value && 'renew' in value,
      'expected a LockStore',
    ),
    clock: z.custom<Clock>().optional(),
    leaseMs: z.number().int().positive().optional(),
    renewEveryMs: z.number().int().positive().optional(),
    acquireTimeoutMs: z.number().int().min(0).optional(),
    retryDelayMs: z.number().int().positive().optional(),
    maxQueuedPerChat: z.number().int().min(0).optional(),
    lockKey: z.custom<(chatId: string) => string>((value) => typeof value === 'function').optional(),
  })
  .strict()
  .refine((options) => (options.renewEveryMs ?? 0) < (options.leaseMs ?? 30_000), {
    message: 'must be shorter than leaseMs',
    path: ['renewEveryMs'],
  });

/**
 * Creates a {@link ChatLock}: the keyed queue for one process plus a {@link LockStore} lease for the
 * cluster, renewed on the injected clock while the turn runs, released only by its owner.
 *
 * @example
 * ```ts
 * const chatLock = createChatLock({ locks: new MemoryLockStore({ clock }), clock, leaseMs: 30_000 });
 * const result = await chatLock.run('42', ({ fencingToken, signal }) => conversation.turn('42', events, { signal }));
 * ```
 */
export function createChatLock(options: ChatLockOptions): ChatLock {
  const parsed = parseOptions('createChatLock', optionsSchema, options);
  const locks = parsed.locks;
  const clock = parsed.clock ?? systemClock;
  const leaseMs = parsed.leaseMs ?? 30_000;
  const renewEveryMs = parsed.renewEveryMs ?? Math.max(1, Math.floor(leaseMs / 3));
  const acquireTimeoutMs = parsed.acquireTimeoutMs ?? 10_000;
  const retryDelayMs = parsed.retryDelayMs ?? 50;
  const lockKey = parsed.lockKey ?? ((chatId: string) => `turn:${chatId}`);
  const queue = createKeyedQueue({ maxQueuedPerKey: parsed.maxQueuedPerChat ?? 100 });

  /** After a first refused attempt: tries every `retryDelayMs` until `acquireTimeoutMs` from it. */
  const acquireAfterRetries = async (
    key: string,
    signal: AbortSignal,
    firstAttemptAtMs: number,
  ): Promise<{ lease: LockLease; attemptAtMs: number }> => {
    const deadlineMs = firstAttemptAtMs + acquireTimeoutMs;
    for (;;) {
      if (clock.now() + retryDelayMs > deadlineMs) {
        throw new TimeoutError(
          `The lock "${key}" stayed held elsewhere for ${acquireTimeoutMs} ms`,
          acquireTimeoutMs,
        );
      }
      await clockDelay(clock, retryDelayMs, signal);
      const attemptAtMs = clock.now();
      const lease = await locks.acquire(key, { leaseMs });
      if (lease !== undefined) return { lease, attemptAtMs };
    }
  };

  const settings: HoldSettings = { locks, clock, leaseMs, renewEveryMs };
  const renewals = new RenewalSchedule<ChatHold>(settings);

  const holding = async <T>(
    chatId: string,
    task: (turn: ChatTurnContext) => Promise<T>,
    caller: AbortSource,
  ): Promise<T> => {
    const key = lockKey(chatId);
    let attemptAtMs = clock.now();
    let lease = await locks.acquire(key, { leaseMs });
    if (lease === undefined)
      ({ lease, attemptAtMs } = await acquireAfterRetries(key, caller.signal, attemptAtMs));
    // The lease counts from when it was asked for: the store's clock may be ahead of ours.
    const hold = new ChatHold(chatId, key, lease, attemptAtMs + leaseMs, caller, settings);
    renewals.add(hold);
    let value: T | undefined;
    let failure: { error: unknown } | undefined;
    try {
      value = await task(hold);
    } catch (error) {
      failure = { error };
    }
    hold.finish();
    renewals.delete(hold);
    if (hold.renewing !== undefined) await hold.renewing;
    const { lost } = hold;
    if (lost !== undefined) {
      if (failure === undefined || failure.error === lost) throw lost;
      throw new LockLostError(key, hold.lease.fencingToken, { cause: failure.error });
    }
    try {
      await locks.release(hold.lease);
    } catch {
      // A failed release only leaves the lease to expire on its own; the result stands.
    }
    if (failure !== undefined) throw failure.error;
    return value as T;
  };

  return {
    queue,
    leaseMs,
    run<T>(
      chatId: string,
      task: (turn: ChatTurnContext) => Promise<T>,
      runOptions: ChatLockRunOptions = {},
    ): Promise<T> {
      const source = runOptions.abortSource;
      if (source === undefined) {
        return queue.run(chatId, (signal) => holding(chatId, task, abortSourceOf(signal)), {
          signal: runOptions.signal,
        });
      }
      if (runOptions.signal !== undefined) {
        return Promise.reject(
          new InvalidOptionsError('ChatLock.run: give either signal or abortSource, not both'),
        );
      }
      if (source.isAborted) {
        return Promise.reject(
          new AbortedError('The task was aborted before it started', { cause: source.reason }),
        );
      }
      // The queue listens only while the task waits behind another turn of the chat: only then does
      // the source's signal have to exist.
      return queue.run(
        chatId,
        () => holding(chatId, task, source),
        queue.pending(chatId) === 0 ? {} : { signal: source.signal },
      );
    },
  };
}
