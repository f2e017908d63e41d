import { AsyncResource } from 'node:async_hooks';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { type Clock, type TimerHandle } from './clock.js';

/** A {@link Clock} that only moves when a test tells it to. */
export interface ManualClock extends Clock {
  /**
   * Moves time forward by `ms`, firing every timer that falls due, in due-time order (ties in the
   * order they were scheduled). Timers scheduled by a firing callback fire in the same call when
   * they fall due before the target time.
   */
  advance(ms: number): void;
  /**
   * Like {@link ManualClock.advance}, but lets pending promises and I/O settle after each timer,
   * so async code that schedules its next timer after an `await` is driven to the target time.
   */
  advanceAsync(ms: number): Promise<void>;
  /** Fires due timers and settles promises repeatedly until no timer remains (bounded by `maxTimers`). */
  runAllAsync(maxTimers?: number): Promise<void>;
  /** Sets the time to `ms` when it is later than now, firing what falls due. */
  setTime(ms: number): void;
  /** How many timers are waiting. */
  pendingTimers(): number;
  /** When the next timer is due, or `undefined` when none is waiting. */
  nextTimerAt(): number | undefined;
}

interface ScheduledTimer {
  readonly dueAt: number;
  readonly sequence: number;
  readonly callback: () => void;
}

/** Lets microtasks and pending I/O callbacks run before the next timer fires. */
async function settle(): Promise<void> {
  for (let round = 0; round < 3; round += 1) await nextMacrotask();
}

/**
 * Creates a clock that starts at `startMs` and only advances when told, for deterministic tests of
 * anything time-based. Callbacks run in the async context where they were scheduled.
 *
 * @example
 * ```ts
 * const clock = createManualClock(0);
 * const fired: number[] = [];
 * clock.setTimeout(() => fired.push(clock.now()), 100);
 * clock.advance(100); // fired is [100]
 * ```
 */
export function createManualClock(startMs = 0): ManualClock {
  let now = startMs;
  let sequence = 0;
  const timers = new Map<object, ScheduledTimer>();

  const nextDue = (limit: number): [object, ScheduledTimer] | undefined => {
    let best: [object, ScheduledTimer] | undefined;
    for (const entry of timers) {
      const timer = entry[1];
      if (timer.dueAt > limit) continue;
      if (
        best === undefined ||
        timer.dueAt < best[1].dueAt ||
        (timer.dueAt === best[1].dueAt && timer.sequence < best[1].sequence)
      ) {
        best = entry;
      }
    }
    return best;
  };

  const fireOne = (limit: number): boolean => {
    const due = nextDue(limit);
    if (due === undefined) return false;
    timers.delete(due[0]);
    now = Math.max(now, due[1].dueAt);
    due[1].callback();
    return true;
  };

  const advanceTo = (target: number): void => {
    while (fireOne(target));
    now = Math.max(now, target);
  };

  return {
    now: () => now,
    setTimeout(callback: () => void, delayMs: number): TimerHandle {
      const handle = {};
      const delay = Number.isFinite(delayMs) ? Math.max(0, delayMs) : 0;
      timers.set(handle, {
        dueAt: now + delay,
        sequence: sequence++,
        callback: AsyncResource.bind(callback),
      });
      return handle;
    },
    clearTimeout(handle: TimerHandle | undefined): void {
      if (handle !== undefined) timers.delete(handle);
    },
    advance(ms: number): void {
      advanceTo(now + Math.max(0, ms));
    },
    async advanceAsync(ms: number): Promise<void> {
      const target = now + Math.max(0, ms);
      await settle();
      while (fireOne(target)) await settle();
      now = Math.max(now, target);
      await settle();
    },
    async runAllAsync(maxTimers = 10_000): Promise<void> {
      await settle();
      for (let fired = 0; fired < maxTimers && fireOne(Number.POSITIVE_INFINITY); fired += 1) await settle();
    },
    setTime(ms: number): void {
      advanceTo(ms);
    },
    pendingTimers: () => timers.size,
    nextTimerAt(): number | undefined {
      return nextDue(Number.POSITIVE_INFINITY)?.[1].dueAt;
    },
  };
}
