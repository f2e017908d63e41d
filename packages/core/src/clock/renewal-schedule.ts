import { type Clock, type TimerHandle } from './clock.js';

/** Something a {@link RenewalSchedule} renews: a lease held while work runs. */
export interface Renewable {
  /** When the next renewal is due (by the schedule's clock); set by the schedule. */
  renewAtMs: number;
  /** The renewal in flight, if any; set by the schedule (await it before releasing). */
  renewing: Promise<void> | undefined;
  /** Renews once; resolves whether to renew again. Never rejects. */
  renew(): Promise<boolean>;
}

/** The clock and period of a {@link RenewalSchedule}. */
export interface RenewalSettings {
  readonly clock: Clock;
  readonly renewEveryMs: number;
}

/**
 * One renewal timer for many leases instead of one per lease. Each lease is due `renewEveryMs`
 * after it was added (or last renewed), so insertion order is due order: the timer is armed for the
 * first, and cleared when none is left.
 */
export class RenewalSchedule<Item extends Renewable> {
  readonly #items = new Set<Item>();
  /** Items whose renewal is in flight: deleting one there keeps it from being added back. */
  readonly #renewing = new Set<Item>();
  readonly #settings: RenewalSettings;
  #timer: TimerHandle | undefined;
  #timerAtMs = 0;

  constructor(settings: RenewalSettings) {
    this.#settings = settings;
  }

  /** Schedules the next renewal of `item`, `renewEveryMs` from now. */
  add(item: Item): void {
    item.renewAtMs = this.#settings.clock.now() + this.#settings.renewEveryMs;
    this.#items.add(item);
    this.#arm(item.renewAtMs);
  }

  /** Stops renewing `item` (a renewal in flight still completes; see {@link Renewable.renewing}). */
  delete(item: Item): void {
    this.#items.delete(item);
    this.#renewing.delete(item);
    if (this.#items.size === 0 && this.#timer !== undefined) {
      this.#settings.clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #arm(atMs: number): void {
    if (this.#timer !== undefined) {
      if (this.#timerAtMs <= atMs) return;
      this.#settings.clock.clearTimeout(this.#timer);
    }
    const { clock } = this.#settings;
    this.#timerAtMs = atMs;
    this.#timer = clock.setTimeout(() => this.#fire(), atMs - clock.now(), { unref: true });
  }

  #fire(): void {
    this.#timer = undefined;
    const now = this.#settings.clock.now();
    for (const item of this.#items) {
      if (item.renewAtMs > now) {
        this.#arm(item.renewAtMs);
        return;
      }
      this.#items.delete(item);
      this.#renewing.add(item);
      item.renewing = item.renew().then((renewAgain) => {
        if (this.#renewing.delete(item) && renewAgain) this.add(item);
      });
    }
  }
}
