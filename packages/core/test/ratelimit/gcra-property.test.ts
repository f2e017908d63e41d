import { MemoryRateLimitStore, createManualClock } from '@botkeel/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/**
 * The reference model: a token bucket in milliseconds of credit. It fills at one ms per ms up to
 * burst × interval; a unit costs one interval. With whole-ms intervals everything is exact.
 */
class TokenBucketModel {
  private creditMs: number;
  private lastMs = 0;
  constructor(
    private readonly intervalMs: number,
    private readonly burst: number,
  ) {
    this.creditMs = burst * intervalMs;
  }
  consume(nowMs: number, cost: number): { allowed: boolean; remaining: number; retryAfterMs: number } {
    this.creditMs = Math.min(this.burst * this.intervalMs, this.creditMs + (nowMs - this.lastMs));
    this.lastMs = nowMs;
    const needMs = cost * this.intervalMs;
    if (needMs <= this.creditMs) {
      this.creditMs -= needMs;
      return { allowed: true, remaining: Math.floor(this.creditMs / this.intervalMs), retryAfterMs: 0 };
    }
    const retryAfterMs =
      needMs > this.burst * this.intervalMs ? Number.POSITIVE_INFINITY : needMs - this.creditMs;
    return { allowed: false, remaining: Math.floor(this.creditMs / this.intervalMs), retryAfterMs };
  }
}

const scenario = fc.record({
  intervalMs: fc.integer({ min: 1, max: 500 }),
  limit: fc.integer({ min: 1, max: 50 }),
  burst: fc.integer({ min: 1, max: 20 }),
  steps: fc.array(
    fc.record({ waitMs: fc.integer({ min: 0, max: 2_000 }), cost: fc.integer({ min: 0, max: 6 }) }),
    {
      minLength: 1,
      maxLength: 200,
    },
  ),
});

describe('MemoryRateLimitStore GCRA (property)', () => {
  it('answers exactly like a token-bucket reference model', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ intervalMs, limit, burst, steps }) => {
        const clock = createManualClock(0);
        const store = new MemoryRateLimitStore({ clock });
        const rule = { limit, windowMs: limit * intervalMs, burst };
        const model = new TokenBucketModel(intervalMs, burst);
        for (const { waitMs, cost } of steps) {
          clock.advance(waitMs);
          const actual = await store.consume([{ key: 'k', rule }], cost);
          expect(actual).toEqual(model.consume(clock.now(), cost));
        }
      }),
      { numRuns: 300, seed: 20_261_129 },
    );
  });

  it('never allows more than burst at one instant nor more than burst + elapsed / interval in any span', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ intervalMs, limit, burst, steps }) => {
        const clock = createManualClock(0);
        const store = new MemoryRateLimitStore({ clock });
        const rule = { limit, windowMs: limit * intervalMs, burst };
        const allowedAt: { atMs: number; units: number }[] = [];
        for (const { waitMs, cost } of steps) {
          clock.advance(waitMs);
          // Hammer the same instant a few times: still never more than the burst in total.
          for (let repeat = 0; repeat < 3; repeat += 1) {
            const decision = await store.consume([{ key: 'k', rule }], cost);
            if (decision.allowed && cost > 0) allowedAt.push({ atMs: clock.now(), units: cost });
          }
        }
        for (let start = 0; start < allowedAt.length; start += 1) {
          let units = 0;
          for (let end = start; end < allowedAt.length; end += 1) {
            const first = allowedAt[start]!;
            const last = allowedAt[end]!;
            units += last.units;
            expect(units).toBeLessThanOrEqual(burst + (last.atMs - first.atMs) / intervalMs);
          }
        }
      }),
      { numRuns: 150, seed: 20_261_129 },
    );
  });

  it('keeps the long-run rate at or under the limit per window', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 100, max: 10_000 }),
        fc.integer({ min: 1, max: 100 }),
        fc.integer({ min: 1, max: 50 }),
        async (limit, windowMs, burst, tickMs) => {
          const clock = createManualClock(0);
          const store = new MemoryRateLimitStore({ clock });
          const rule = { limit, windowMs, burst };
          const windows = 20;
          let allowed = 0;
          while (clock.now() < windows * windowMs) {
            if ((await store.consume([{ key: 'k', rule }], 1)).allowed) allowed += 1;
            clock.advance(tickMs);
          }
          expect(allowed).toBeLessThanOrEqual(burst + windows * limit);
          // And it is not stingy: polled every tickMs, a grant is at most one interval plus one tick late.
          const intervalMs = windowMs / limit;
          const totalMs = windows * windowMs;
          expect(allowed).toBeGreaterThanOrEqual(
            Math.min(totalMs / tickMs, Math.floor(totalMs / (intervalMs + tickMs))),
          );
        },
      ),
      { numRuns: 100, seed: 20_261_129 },
    );
  });
});
