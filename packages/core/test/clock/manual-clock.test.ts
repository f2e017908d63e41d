import { createManualClock } from '@botkeel/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('createManualClock', () => {
  it('starts at the given time and only moves when told', () => {
    const clock = createManualClock(1_000);
    expect(clock.now()).toBe(1_000);
    clock.advance(250);
    expect(clock.now()).toBe(1_250);
  });

  it('fires a timer exactly when its delay has elapsed, not before', () => {
    const clock = createManualClock();
    const fired: number[] = [];
    clock.setTimeout(() => fired.push(clock.now()), 100);
    clock.advance(99);
    expect(fired).toEqual([]);
    clock.advance(1);
    expect(fired).toEqual([100]);
  });

  it('cancels timers, ignoring unknown and already-fired handles', () => {
    const clock = createManualClock();
    let calls = 0;
    const handle = clock.setTimeout(() => calls++, 10);
    clock.clearTimeout(handle);
    clock.clearTimeout(undefined);
    clock.clearTimeout({});
    clock.advance(20);
    expect(calls).toBe(0);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('runs timers scheduled by a firing timer within the same advance', () => {
    const clock = createManualClock();
    const fired: string[] = [];
    clock.setTimeout(() => {
      fired.push('outer');
      clock.setTimeout(() => fired.push('inner'), 5);
    }, 5);
    clock.advance(10);
    expect(fired).toEqual(['outer', 'inner']);
    expect(clock.now()).toBe(10);
  });

  it('lets awaited work run between timers with advanceAsync', async () => {
    const clock = createManualClock();
    const steps: string[] = [];
    clock.setTimeout(() => {
      void Promise.resolve().then(() => {
        steps.push('continuation');
        clock.setTimeout(() => steps.push('second'), 10);
      });
    }, 10);
    await clock.advanceAsync(20);
    expect(steps).toEqual(['continuation', 'second']);
  });

  it('fires any set of timers in due order, ties in scheduling order (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 1_000 }), { maxLength: 60 }), (delays) => {
        const clock = createManualClock(0);
        const fired: { index: number; at: number }[] = [];
        delays.forEach((delay, index) =>
          clock.setTimeout(() => fired.push({ index, at: clock.now() }), delay),
        );
        clock.advance(1_000);
        const expected = delays
          .map((delay, index) => ({ index, at: Math.max(0, delay) }))
          .sort((a, b) => a.at - b.at || a.index - b.index);
        expect(fired).toEqual(expected);
        expect(clock.pendingTimers()).toBe(0);
      }),
    );
  });

  it('reports the next due time', () => {
    const clock = createManualClock(0);
    expect(clock.nextTimerAt()).toBeUndefined();
    clock.setTimeout(() => undefined, 30);
    clock.setTimeout(() => undefined, 10);
    expect(clock.nextTimerAt()).toBe(10);
  });
});
