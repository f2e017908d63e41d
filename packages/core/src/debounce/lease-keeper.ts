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
 * batch. A renewal that finds the batch gone aborts the signal with `LOCK_LOST`; a renewal that fails
 * (store down) is logged and tried again at the next tick.
 */
export function keepLease(batch: DebounceBatch, context: LeaseKeeperContext): LeaseKeeper {
  const { store, clock, log, leaseMs } = context;
  // Created on first read of `signal`: most handlers never look at it, and AbortControllers are not free.
  let controller: AbortController | undefined;
  let abortReason: { reason: unknown } | undefined;
  const abortWith = (reason: unknown): void => {
    abortReason ??= { reason };
    controller?.abort(reason);
  };
  const everyMs = Math.max(1, Math.floor(leaseMs / 3));
  let timer: TimerHandle | undefined;
  let isStopped = false;
  let isLost = false;

  const renew = async (): Promise<void> => {
    timer = undefined;
    try {
      const isHeld = await store.extendLease(batch.key, batch.batchId, leaseMs, clock.now());
      if (isStopped) return;
      if (!isHeld) {
        isLost = true;
        isStopped = true;
        log.warn(
          { key: batch.key, batchId: batch.batchId },
          'debounce batch lease lost while it was handled',
        );
        abortWith(new BotkeelError('LOCK_LOST', 'The debounce batch lease was lost'));
        return;
      }
    } catch (error) {
      if (isStopped) return;
      log.warn({ err: error, key: batch.key, batchId: batch.batchId }, 'debounce lease renewal failed');
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
