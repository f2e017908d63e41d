import { type Clock, type TimerHandle } from '../clock/clock.js';

/** A call waiting in a {@link DeadlineQueue}. */
export interface DeadlineEntry {
  /** When the call times out (ms since the epoch). */
  readonly deadlineMs: number;
  /** Called once when the deadline passes before {@link DeadlineQueue.remove}. */
  readonly expire: () => void;
}

/**
 * Timeouts for many calls that all share one duration: their deadlines arrive in the order they
 * started, so one clock timer armed for the oldest pending call serves them all. Adding and removing
 * a call is O(1) and allocates no timer, which keeps a per-call `storeTimeoutMs` cheap even at
 * millions of decisions per second. Internal to the rate limiter.
 */
export class DeadlineQueue {
  private readonly pending = new Set<DeadlineEntry>();
  private timer: TimerHandle | undefined;

  constructor(private readonly clock: Clock) {}

  /** Starts watching `entry`; its deadline must not be earlier than any entry added before it. */
  add(entry: DeadlineEntry): void {
    this.pending.add(entry);
    if (this.timer === undefined) this.arm(entry.deadlineMs);
  }

  /** Stops watching `entry` (it settled in time). */
  remove(entry: DeadlineEntry): void {
    this.pending.delete(entry);
  }

  /** How many calls are being watched. */
  get size(): number {
    return this.pending.size;
  }

  private arm(deadlineMs: number): void {
    this.timer = this.clock.setTimeout(this.fire, deadlineMs - this.clock.now(), { unref: true });
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    const now = this.clock.now();
    for (const entry of this.pending) {
      if (entry.deadlineMs > now) {
        this.arm(entry.deadlineMs);
        return;
      }
      this.pending.delete(entry);
      entry.expire();
    }
  };
}
