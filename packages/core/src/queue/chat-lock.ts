import { z } from 'zod';
import { type Clock, type TimerHandle } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { parseOptions } from '../errors/parse-options.js';
import { TimeoutError } from '../errors/subclasses.js';
import { LockLostError } from '../lock/lock-lost-error.js';
import { type LockLease, type LockStore } from '../lock/lock-store.js';
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

/** What a task run under {@link ChatLock.run} receives. */
export interface ChatTurnContext {
  /** The chat being served. */
  readonly chatId: string;
  /** Strictly increasing per chat across holders; pass it to stores that can reject stale writers. */
  readonly fencingToken: number;
  /** Aborts when the caller aborts or the lease is lost (reason: a `LOCK_LOST` error). */
  readonly signal: AbortSignal;
}

/** Options of one {@link ChatLock.run} call. */
export interface ChatLockRunOptions {
  /** Aborts the wait in the queue, the acquisition, and (through its context) the task. */
  signal?: AbortSignal;
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

  const acquire = async (
    key: string,
    signal: AbortSignal,
  ): Promise<{ lease: LockLease; validUntilMs: number }> => {
    const deadlineMs = clock.now() + acquireTimeoutMs;
    for (;;) {
      const startedAtMs = clock.now();
      const lease = await locks.acquire(key, { leaseMs });
      if (lease !== undefined) return { lease, validUntilMs: startedAtMs + leaseMs };
      if (clock.now() + retryDelayMs > deadlineMs) {
        throw new TimeoutError(
          `The lock "${key}" stayed held elsewhere for ${acquireTimeoutMs} ms`,
          acquireTimeoutMs,
        );
      }
      await clockDelay(clock, retryDelayMs, signal);
    }
  };

  const holding = async <T>(
    chatId: string,
    task: (turn: ChatTurnContext) => Promise<T>,
    callerSignal: AbortSignal,
  ): Promise<T> => {
    const key = lockKey(chatId);
    const acquired = await acquire(key, callerSignal);
    let lease = acquired.lease;
    let validUntilMs = acquired.validUntilMs;
    let lost: LockLostError | undefined;
    let timer: TimerHandle | undefined;
    let renewing: Promise<void> = Promise.resolve();
    let isFinished = false;
    const controller = new AbortController();
    const onCallerAbort = (): void => controller.abort(callerSignal.reason);
    if (callerSignal.aborted) onCallerAbort();
    else callerSignal.addEventListener('abort', onCallerAbort, { once: true });

    const markLost = (cause?: unknown): void => {
      lost = new LockLostError(key, lease.fencingToken, { cause });
      controller.abort(lost);
    };
    const renewOnce = async (): Promise<void> => {
      const startedAtMs = clock.now();
      try {
        const renewed = await locks.renew(lease, { leaseMs });
        if (renewed === undefined) return markLost();
        lease = renewed;
        validUntilMs = startedAtMs + leaseMs;
      } catch (error) {
        // A failed renewal is retried while the lease may still be valid; past that it is lost.
        if (clock.now() + renewEveryMs >= validUntilMs) return markLost(error);
      }
      schedule();
    };
    const schedule = (): void => {
      if (isFinished || lost !== undefined) return;
      timer = clock.setTimeout(
        () => {
          renewing = renewOnce();
        },
        renewEveryMs,
        { unref: true },
      );
    };
    schedule();

    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = {
        ok: true,
        value: await task({ chatId, fencingToken: lease.fencingToken, signal: controller.signal }),
      };
    } catch (error) {
      outcome = { ok: false, error };
    }
    isFinished = true;
    clock.clearTimeout(timer);
    callerSignal.removeEventListener('abort', onCallerAbort);
    await renewing;
    if (lost === undefined) {
      // A failed release only leaves the lease to expire on its own; the result stands.
      await locks.release(lease).catch(() => false);
    }
    if (lost !== undefined) {
      if (outcome.ok || outcome.error === lost) throw lost;
      throw new LockLostError(key, lease.fencingToken, { cause: outcome.error });
    }
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  };

  return {
    queue,
    run<T>(
      chatId: string,
      task: (turn: ChatTurnContext) => Promise<T>,
      runOptions: ChatLockRunOptions = {},
    ): Promise<T> {
      return queue.run(chatId, (signal) => holding(chatId, task, signal), { signal: runOptions.signal });
    },
  };
}
