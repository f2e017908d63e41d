import { type Clock } from '../clock/clock.js';
import { type Renewable, type RenewalSchedule } from '../clock/renewal-schedule.js';
import { BotkeelError } from '../errors/botkeel-error.js';
import { type AbortListener, type AbortSource } from '../lock/abort-source.js';
import { type Logger } from '../logger/logger.js';
import { type DebounceBatch, type DebounceStore } from './debounce-store.js';

/**
 * Keeps a claimed batch's lease alive while it is handled. As an {@link AbortSource} it aborts when
 * the lease was lost or {@link LeaseKeeper.abort} was called; its `signal` is created only when read.
 */
export interface LeaseKeeper extends AbortSource {
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
  /** The debouncer's one renewal timer for all its leases, every third of `leaseMs`. */
  readonly renewals: RenewalSchedule<Renewable>;
}

/**
 * Renews the lease of `batch` every third of `leaseMs` until stopped, so a slow `onFlush` keeps its
 * batch. The lease counts as lost — the signal aborts with `LOCK_LOST` — when a renewal finds the
 * batch gone, or when renewals kept failing (store unreachable) until the lease certainly ran out,
 * because another instance may deliver the batch from then on.
 *
 * One object per batch with its methods on the prototype (no closures per batch, no timer: the
 * debouncer's {@link RenewalSchedule} renews all its leases): the debouncer creates one for every
 * flush.
 *
 * @param claimedAtMs - The `nowMs` the batch was claimed with: where its current lease started.
 */
export function keepLease(
  batch: DebounceBatch,
  claimedAtMs: number,
  context: LeaseKeeperContext,
): LeaseKeeper {
  return new Lease(batch, claimedAtMs, context);
}

class Lease implements LeaseKeeper, Renewable {
  renewAtMs = 0;
  renewing: Promise<void> | undefined;
  // Created on first read of `signal`: most handlers never look at it, and AbortControllers are not free.
  #controller: AbortController | undefined;
  #abortReason: { reason: unknown } | undefined;
  #listeners: AbortListener[] | undefined;
  #leaseEndsAtMs: number;
  #isStopped = false;
  #isLost = false;

  constructor(
    private readonly batch: DebounceBatch,
    claimedAtMs: number,
    private readonly context: LeaseKeeperContext,
  ) {
    this.#leaseEndsAtMs = claimedAtMs + context.leaseMs;
    context.renewals.add(this);
  }

  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#abortReason !== undefined) this.#controller.abort(this.#abortReason.reason);
    }
    return this.#controller.signal;
  }

  get isLost(): boolean {
    return this.#isLost;
  }

  get isAborted(): boolean {
    return this.#abortReason !== undefined;
  }

  get reason(): unknown {
    return this.#abortReason?.reason;
  }

  addAbortListener(listener: AbortListener): void {
    if (this.#abortReason !== undefined) return;
    (this.#listeners ??= []).push(listener);
  }

  removeAbortListener(listener: AbortListener): void {
    const index = this.#listeners?.indexOf(listener) ?? -1;
    if (index >= 0) this.#listeners?.splice(index, 1);
  }

  stop(): void {
    this.#isStopped = true;
    this.context.renewals.delete(this);
  }

  abort(reason: unknown): void {
    this.stop();
    this.#abortWith(reason);
  }

  #abortWith(reason: unknown): void {
    if (this.#abortReason !== undefined) return;
    this.#abortReason = { reason };
    this.#controller?.abort(reason);
    const listeners = this.#listeners;
    this.#listeners = undefined;
    for (const listener of listeners ?? []) {
      try {
        listener.handleEvent();
      } catch (error) {
        this.context.log.warn({ err: error, key: this.batch.key }, 'debounce abort listener failed');
      }
    }
  }

  #lose(message: string): void {
    this.#isLost = true;
    this.#isStopped = true;
    this.context.log.warn({ key: this.batch.key, batchId: this.batch.batchId }, message);
    this.#abortWith(new BotkeelError('LOCK_LOST', 'The debounce batch lease was lost'));
  }

  /** Renews the lease once; resolves whether to renew again (not once stopped or lost). */
  async renew(): Promise<boolean> {
    const { store, clock, log, leaseMs } = this.context;
    const { key, batchId } = this.batch;
    const requestedAtMs = clock.now();
    // Past its end the batch may already be claimed again under the same id, which a renewal by id
    // cannot tell from ours: only a renewal asked for while the lease still runs may keep it.
    if (requestedAtMs >= this.#leaseEndsAtMs) {
      this.#lose('debounce batch lease ran out before it could be renewed');
      return false;
    }
    try {
      const isHeld = await store.extendLease(key, batchId, leaseMs, requestedAtMs);
      if (this.#isStopped) return false;
      if (!isHeld) {
        this.#lose('debounce batch lease lost while it was handled');
        return false;
      }
      this.#leaseEndsAtMs = requestedAtMs + leaseMs;
    } catch (error) {
      if (this.#isStopped) return false;
      log.warn({ err: error, key, batchId }, 'debounce lease renewal failed');
      if (clock.now() >= this.#leaseEndsAtMs) {
        this.#lose('debounce batch lease ran out while the store was unreachable');
        return false;
      }
    }
    return !this.#isStopped;
  }
}
