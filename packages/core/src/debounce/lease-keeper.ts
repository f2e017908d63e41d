import { type Clock, type TimerHandle } from '../clock/clock.js';
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
}

/**
 * Renews the lease of `batch` every third of `leaseMs` until stopped, so a slow `onFlush` keeps its
 * batch. The lease counts as lost — the signal aborts with `LOCK_LOST` — when a renewal finds the
 * batch gone, or when renewals kept failing (store unreachable) until the lease certainly ran out,
 * because another instance may deliver the batch from then on.
 *
 * One object per batch with its methods on the prototype (no closures per batch): the debouncer
 * creates one for every flush.
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

class Lease implements LeaseKeeper {
  // Created on first read of `signal`: most handlers never look at it, and AbortControllers are not free.
  #controller: AbortController | undefined;
  #abortReason: { reason: unknown } | undefined;
  #listeners: AbortListener[] | undefined;
  #leaseEndsAtMs: number;
  #timer: TimerHandle | undefined;
  #isStopped = false;
  #isLost = false;
  readonly #everyMs: number;

  constructor(
    private readonly batch: DebounceBatch,
    claimedAtMs: number,
    private readonly context: LeaseKeeperContext,
  ) {
    this.#everyMs = Math.max(1, Math.floor(context.leaseMs / 3));
    this.#leaseEndsAtMs = claimedAtMs + context.leaseMs;
    this.#schedule();
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
    this.context.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  abort(reason: unknown): void {
    this.stop();
    this.#abortWith(reason);
  }

  #schedule(): void {
    this.#timer = this.context.clock.setTimeout(() => void this.#renew(), this.#everyMs, { unref: true });
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

  async #renew(): Promise<void> {
    this.#timer = undefined;
    const { store, clock, log, leaseMs } = this.context;
    const { key, batchId } = this.batch;
    const requestedAtMs = clock.now();
    try {
      const isHeld = await store.extendLease(key, batchId, leaseMs, requestedAtMs);
      if (this.#isStopped) return;
      if (!isHeld) return this.#lose('debounce batch lease lost while it was handled');
      this.#leaseEndsAtMs = requestedAtMs + leaseMs;
    } catch (error) {
      if (this.#isStopped) return;
      log.warn({ err: error, key, batchId }, 'debounce lease renewal failed');
      if (clock.now() >= this.#leaseEndsAtMs) {
        return this.#lose('debounce batch lease ran out while the store was unreachable');
      }
    }
    this.#schedule();
  }
}
