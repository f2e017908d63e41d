import { describe, expect, it } from 'vitest';
import { BotkeelError } from '../errors/botkeel-error.js';
import {
  type StoreConformanceOptions,
  type StoreFactory,
  conformanceTime,
  uniqueKey,
} from '../dedupe/store-conformance-options.js';
import { type RateCheck, type RateLimitStore, type RateRule } from './rate-limit-store.js';

/** A window so long that no unit comes back during a test, even on a slow machine in real time. */
const longWindowMs = 3_600_000;

/**
 * The suite every `RateLimitStore` runs (memory here; Redis in its package). Call it at the
 * top level of a vitest file. Every test uses fresh random keys. In `time: 'manual'` mode the
 * suite checks GCRA to the millisecond (5 units with burst 5, the 6th denied with `retryAfterMs`
 * exactly one interval, a unit back after exactly that); in `time: 'real'` mode (the backend keeps
 * time) the "nothing refilled" checks use hour-long windows and the refill checks wait generously.
 *
 * It checks: the burst is allowed at once and no more; `remaining` counts down; `retryAfterMs` is a
 * whole, sufficient wait; units come back at the rule's rate and the bucket refills when idle; a
 * cost above 1 spends that many units; a cost above the burst is denied and spends nothing; several
 * checks are all-or-nothing; 1,000 concurrent calls allow exactly the burst; keys are independent;
 * an unreachable backend rejects with `STORE_UNAVAILABLE`.
 *
 * @param makeStore - builds a store for one test, reading time from `context.clock` if it takes a clock
 * @example
 * ```ts
 * import { rateLimitStoreConformance } from '@botkeel/core/testing';
 * rateLimitStoreConformance(({ clock }) => new MemoryRateLimitStore({ clock }), { name: 'MemoryRateLimitStore' });
 * ```
 */
export function rateLimitStoreConformance(
  makeStore: StoreFactory<RateLimitStore>,
  options: StoreConformanceOptions<RateLimitStore> = {},
): void {
  const setup = async () => {
    const time = conformanceTime(options);
    const store = await makeStore({ clock: time.clock });
    return { time, store };
  };
  const check = (key: string, rule: RateRule): RateCheck[] => [{ key, rule }];

  describe(`RateLimitStore conformance${options.name === undefined ? '' : `: ${options.name}`}`, () => {
    it('allows the burst at once, counting remaining down, then denies', async () => {
      const { store } = await setup();
      const checks = check(uniqueKey('rate-burst'), { limit: 10, windowMs: longWindowMs, burst: 5 });
      const remaining: number[] = [];
      for (let call = 0; call < 5; call += 1) {
        const decision = await store.consume(checks, 1);
        expect(decision.allowed).toBe(true);
        expect(decision.retryAfterMs).toBe(0);
        remaining.push(decision.remaining);
      }
      expect(remaining).toEqual([4, 3, 2, 1, 0]);
      const denied = await store.consume(checks, 1);
      expect(denied.allowed).toBe(false);
      expect(denied.remaining).toBe(0);
      expect(Number.isInteger(denied.retryAfterMs)).toBe(true);
      const intervalMs = longWindowMs / 10;
      expect(denied.retryAfterMs).toBeGreaterThan(intervalMs - 60_000);
      expect(denied.retryAfterMs).toBeLessThanOrEqual(intervalMs);
    });

    it('uses limit as the burst when burst is omitted', async () => {
      const { store } = await setup();
      const checks = check(uniqueKey('rate-default-burst'), { limit: 3, windowMs: longWindowMs });
      const allowed = [];
      for (let call = 0; call < 4; call += 1) allowed.push((await store.consume(checks, 1)).allowed);
      expect(allowed).toEqual([true, true, true, false]);
    });

    it('gives a unit back after retryAfterMs, at the rule rate', async () => {
      const { store, time } = await setup();
      const intervalMs = time.isManual ? 100 : time.shortMs;
      const checks = check(uniqueKey('rate-refill'), { limit: 10, windowMs: intervalMs * 10, burst: 2 });
      expect((await store.consume(checks, 1)).allowed).toBe(true);
      expect((await store.consume(checks, 1)).allowed).toBe(true);
      const denied = await store.consume(checks, 1);
      expect(denied.allowed).toBe(false);
      if (time.isManual) {
        expect(denied.retryAfterMs).toBe(intervalMs);
        await time.pass(intervalMs - 1);
        expect((await store.consume(checks, 1)).allowed).toBe(false);
        await time.pass(1);
        const again = await store.consume(checks, 1);
        expect(again).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
        expect((await store.consume(checks, 1)).allowed).toBe(false);
      } else {
        expect(denied.retryAfterMs).toBeGreaterThan(0);
        expect(denied.retryAfterMs).toBeLessThanOrEqual(intervalMs);
        await time.pass(denied.retryAfterMs + intervalMs / 2);
        expect((await store.consume(checks, 1)).allowed).toBe(true);
      }
    });

    it('refills the whole burst after an idle window', async () => {
      const { store, time } = await setup();
      // In real time the window is 2.5 × shortMs and the wait 3 ×: the wait outlasts the window by a
      // margin (timers may fire a millisecond early), and the five calls after it have a quarter of
      // the window (62 ms by default) before a unit could come back.
      const windowMs = time.isManual ? 1_000 : time.shortMs * 2.5;
      const checks = check(uniqueKey('rate-idle'), { limit: 4, windowMs });
      for (let call = 0; call < 4; call += 1) expect((await store.consume(checks, 1)).allowed).toBe(true);
      expect((await store.consume(checks, 1)).allowed).toBe(false);
      await (time.isManual ? time.pass(windowMs) : time.passShort());
      const allowed = [];
      for (let call = 0; call < 5; call += 1) allowed.push((await store.consume(checks, 1)).allowed);
      expect(allowed).toEqual([true, true, true, true, false]);
    });

    it('spends cost units at once and denies a cost that does not fit, spending nothing', async () => {
      const { store, time } = await setup();
      const checks = check(uniqueKey('rate-cost'), { limit: 5, windowMs: longWindowMs });
      expect(await store.consume(checks, 3)).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
      const denied = await store.consume(checks, 3);
      expect(denied.allowed).toBe(false);
      expect(denied.remaining).toBe(2);
      if (time.isManual) expect(denied.retryAfterMs).toBe(longWindowMs / 5);
      expect(await store.consume(checks, 2)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
    });

    it('denies a cost above the burst without spending anything', async () => {
      const { store } = await setup();
      const checks = check(uniqueKey('rate-huge-cost'), { limit: 10, windowMs: longWindowMs, burst: 4 });
      const denied = await store.consume(checks, 5);
      expect(denied.allowed).toBe(false);
      expect(denied.retryAfterMs).toBeGreaterThan(0);
      expect(await store.consume(checks, 4)).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
    });

    it('decides several checks all-or-nothing', async () => {
      const { store } = await setup();
      const tight = { key: uniqueKey('rate-tight'), rule: { limit: 2, windowMs: longWindowMs } };
      const loose = { key: uniqueKey('rate-loose'), rule: { limit: 5, windowMs: longWindowMs } };
      expect(await store.consume([tight, loose], 1)).toEqual({
        allowed: true,
        remaining: 1,
        retryAfterMs: 0,
      });
      expect(await store.consume([tight, loose], 1)).toEqual({
        allowed: true,
        remaining: 0,
        retryAfterMs: 0,
      });
      const denied = await store.consume([tight, loose], 1);
      expect(denied.allowed).toBe(false);
      expect(denied.retryAfterMs).toBeGreaterThan(0);
      // The loose key spent only the two allowed units: three are left.
      const allowed = [];
      for (let call = 0; call < 4; call += 1) allowed.push((await store.consume([loose], 1)).allowed);
      expect(allowed).toEqual([true, true, true, false]);
    });

    it('allows exactly the burst among 1,000 concurrent calls', async () => {
      const { store } = await setup();
      const checks = check(uniqueKey('rate-race'), { limit: 10, windowMs: longWindowMs });
      const decisions = await Promise.all(Array.from({ length: 1_000 }, () => store.consume(checks, 1)));
      expect(decisions.filter((decision) => decision.allowed)).toHaveLength(10);
    });

    it('keeps keys independent, including keys with colons and braces', async () => {
      const { store } = await setup();
      const base = uniqueKey('rate-distinct');
      const rule = { limit: 1, windowMs: longWindowMs };
      expect((await store.consume(check(`${base}:{user}`, rule), 1)).allowed).toBe(true);
      expect((await store.consume(check(`${base}:{user}`, rule), 1)).allowed).toBe(false);
      expect((await store.consume(check(`${base}:{user}:1`, rule), 1)).allowed).toBe(true);
      expect((await store.consume(check(`${base}:user`, rule), 1)).allowed).toBe(true);
    });

    const makeUnavailableStore = options.makeUnavailableStore;
    it.skipIf(makeUnavailableStore === undefined)(
      'rejects with STORE_UNAVAILABLE when the backend cannot be reached (skipped: no makeUnavailableStore given)',
      async () => {
        if (makeUnavailableStore === undefined) throw new Error('unreachable: the test is skipped');
        const store = await makeUnavailableStore();
        const error: unknown = await store
          .consume(check(uniqueKey('rate-down'), { limit: 1, windowMs: 1_000 }), 1)
          .then(
            () => undefined,
            (reason: unknown) => reason,
          );
        expect(BotkeelError.hasCode(error, 'STORE_UNAVAILABLE')).toBe(true);
      },
    );
  });
}
