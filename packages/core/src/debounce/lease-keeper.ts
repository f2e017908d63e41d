import { type Clock, type TimerHandle } from '../clock/clock.js';
import { BotkeelError } from '../errors/botkeel-error.js';
import { type Logger } from '../logger/logger.js';
import { type DebounceBatch, type DebounceStore } from './debounce-store.js';

/** Keeps a claimed batch's lease alive while it is handled. */
export interface LeaseKeeper {
  /** Aborted when the lease was lost or {@link LeaseKeeper.abort} was called. */
  readonly signal: AbortSignal;
  /** True once the store said the batch is no longer claimed under its id. */
  readonly isLost: boolean;
  /** Stops renewing (the lease then runs out on its own unless acked). */
  stop(): void;
  /** Stops renewing and aborts {@link LeaseKeeper.signal} with `reason`. */
  abort(reason: unknown): void;
}

/** What {@link keepLease} needs. */
export interface LeaseKeeperContext {
  readonly store: DebounceStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly leaseMs: number;
}

/**
 * Renews the lease of `batch` every third of `leaseMs` until stopped, so a slow `onFlush` keeps its
 * batch. The lease counts as lost — the signal aborts with `LOCK_LOST` — when a renewal finds the
 * batch gone, or when renewals kept failing (store unreachable) until the lease certainly ran out,
 * because another instance may deliver the batch from then on.
 *
 * @param claimedAtMs - The `nowMs` the batch was claimed with: where its current lease started.
 */
export function keepLease(
  batch: DebounceBatch,
  claimedAtMs: number,
  context: LeaseKeeperContext,
): LeaseKeeper {
  const { store, clock, log, leaseMs } = context;
  // Created on first read of `signal`: most handlers never look at it, and AbortControllers are not free.
  let controller: AbortController | undefined;
  let abortReason: { reason: unknown } | undefined;
  const abortWith = (reason: unknown): void => {
    abortReason ??= { reason };
    controller?.abort(reason);
  };
  const everyMs = Math.max(1, Math.floor(leaseMs / 3));
  let leaseEndsAtMs = claimedAtMs + leaseMs;
  let timer: TimerHandle | undefined;
  let isStopped = false;
  let isLost = false;

  const lose = (message: string): void => {
    isLost = true;
    isStopped = true;
    log.warn({ key: batch.key, batchId: batch.batchId }, message);
    abortWith(new BotkeelError('LOCK_LOST', 'The debounce batch lease was lost'));
  };

  const renew = async (): Promise<void> => {
    timer = undefined;
    const requestedAtMs = clock.now();
    try {
      const isHeld = await store.extendLease(batch.key, batch.batchId, leaseMs, requestedAtMs);
      if (isStopped) return;
      if (!isHeld) return lose('debounce batch lease lost while it was handled');
      leaseEndsAtMs = requestedAtMs + leaseMs;
    } catch (error) {
      if (isStopped) return;
      log.warn({ err: error, key: batch.key, batchId: batch.batchId }, 'debounce lease renewal failed');
      if (clock.now() >= leaseEndsAtMs)
        return lose('debounce batch lease ran out while the store was unreachable');
    }
    schedule();
  };

  const schedule = (): void => {
    timer = clock.setTimeout(() => void renew(), everyMs, { unref: true });
  };

  schedule();
  return {
    get signal(): AbortSignal {
      if (controller === undefined) {
        controller = new AbortController();
        if (abortReason !== undefined) controller.abort(abortReason.reason);
      }
      return controller.signal;
    },
    get isLost() {
      return isLost;
    },
    stop(): void {
      isStopped = true;
      clock.clearTimeout(timer);
      timer = undefined;
    },
    abort(reason: unknown): void {
      this.stop();
      abortWith(reason);
    },
  };
}
