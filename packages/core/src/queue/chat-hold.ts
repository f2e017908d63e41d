import { type Clock } from '../clock/clock.js';
import { type Renewable } from '../clock/renewal-schedule.js';
import { type AbortListener, type AbortSource } from '../lock/abort-source.js';
import { LockLostError } from '../lock/lock-lost-error.js';
import { type LockLease, type LockStore } from '../lock/lock-store.js';

/** What every hold of one chat lock shares. */
export interface HoldSettings {
  readonly locks: LockStore;
  readonly clock: Clock;
  readonly leaseMs: number;
  readonly renewEveryMs: number;
}

/**
 * One turn's hold of a chat's lease, and the context its task sees. The task's `signal` is created on
 * first read (most turns finish without looking at it, and an AbortController plus a listener on the
 * caller's signal is a measurable part of a short turn); it aborts on the caller's abort or when the
 * lease is lost. The hold is its own listener on the caller's abort source (`handleEvent`), so a
 * hold allocates no closures.
 */
export class ChatHold implements AbortSource, Renewable {
  readonly chatId: string;
  readonly fencingToken: number;
  /** Set once a renewal was refused, or failed until the lease certainly ran out. */
  lost: LockLostError | undefined;
  /** True once the task settled: no renewal is started after that. */
  isFinished = false;
  /** The renewal in flight, if any (awaited before the release). */
  renewing: Promise<void> | undefined;
  /** When the next renewal is due (by the settings' clock). */
  renewAtMs = 0;
  lease: LockLease;
  #validUntilMs: number;
  #controller: AbortController | undefined;
  #renewals: (() => Promise<boolean>)[] | undefined;
  readonly #key: string;
  readonly #caller: AbortSource;
  readonly #settings: HoldSettings;

  constructor(
    chatId: string,
    key: string,
    lease: LockLease,
    validUntilMs: number,
    caller: AbortSource,
    settings: HoldSettings,
  ) {
    this.chatId = chatId;
    this.#key = key;
    this.lease = lease;
    this.fencingToken = lease.fencingToken;
    this.#validUntilMs = validUntilMs;
    this.#caller = caller;
    this.#settings = settings;
  }

  /** Aborts on the caller's abort or when the lease is lost (reason: a `LOCK_LOST` error). */
  get signal(): AbortSignal {
    if (this.#controller !== undefined) return this.#controller.signal;
    const controller = new AbortController();
    this.#controller = controller;
    if (this.lost !== undefined) controller.abort(this.lost);
    else if (this.#caller.isAborted) controller.abort(this.#caller.reason);
    else if (!this.isFinished) this.#caller.addAbortListener(this);
    return controller.signal;
  }

  /** True once the lease was lost or the caller aborted (read without creating {@link ChatHold.signal}). */
  get isAborted(): boolean {
    return this.lost !== undefined || this.#caller.isAborted;
  }

  /** Why it aborted: the lost lease's `LOCK_LOST` error or the caller's reason; `undefined` while not aborted. */
  get reason(): unknown {
    if (this.lost !== undefined) return this.lost;
    return this.#caller.isAborted ? this.#caller.reason : undefined;
  }

  /** Listens on {@link ChatHold.signal} (created now): only a task that waits on an abort asks for this. */
  addAbortListener(listener: AbortListener): void {
    this.signal.addEventListener('abort', listener, { once: true });
  }

  /** Stops calling `listener`. */
  removeAbortListener(listener: AbortListener): void {
    this.#controller?.signal.removeEventListener('abort', listener);
  }

  /** The caller's signal aborted: pass it on. */
  handleEvent(): void {
    this.#controller?.abort(this.#caller.reason);
  }

  /** Runs `renewal` after each successful renewal of the lease (see `ChatTurnContext.onRenew`). */
  onRenew(renewal: () => Promise<boolean>): void {
    (this.#renewals ??= []).push(renewal);
  }

  /** The task settled: stop listening to the caller. */
  finish(): void {
    this.isFinished = true;
    if (this.#controller !== undefined) this.#caller.removeAbortListener(this);
  }

  /**
   * Renews the lease once, then what the task renews with it (`onRenew`); resolves whether to renew
   * again. A refused renewal loses the lease; a failed one is retried while the lease may still be
   * valid, and past that loses it.
   */
  async renew(): Promise<boolean> {
    const { locks, clock, leaseMs, renewEveryMs } = this.#settings;
    const startedAtMs = clock.now();
    try {
      const renewed = await locks.renew(this.lease, { leaseMs });
      if (renewed === undefined) return this.#markLost();
      this.lease = renewed;
      // What the task renews with the lease counts as part of it: valid only once all of it renewed.
      for (const renewal of this.#renewals ?? []) if (!(await renewal())) return this.#markLost();
      this.#validUntilMs = startedAtMs + leaseMs;
    } catch (error) {
      if (clock.now() + renewEveryMs >= this.#validUntilMs) return this.#markLost(error);
    }
    return !this.isFinished;
  }

  #markLost(cause?: unknown): false {
    this.lost = new LockLostError(this.#key, this.lease.fencingToken, { cause });
    this.#controller?.abort(this.lost);
    return false;
  }
}
