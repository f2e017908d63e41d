import { MemoryRateLimitStore, createManualClock } from '@botkeel/core';
import { describe, expect, it } from 'vitest';

describe('MemoryRateLimitStore stays bounded', () => {
  it('1,000,000 distinct keys that go idle keep the map at the number of busy keys', async () => {
    const clock = createManualClock(0);
    const store = new MemoryRateLimitStore({ clock });
    // One unit per 10 ms: a key is idle (full again) 10 ms after its only request.
    const rule = { limit: 1, windowMs: 10 };
    let peak = 0;
    for (let index = 0; index < 1_000_000; index += 1) {
      await store.consume([{ key: `user:${index}`, rule }], 1);
      if (index % 10 === 0) clock.advance(1);
      peak = Math.max(peak, store.size);
    }
    // About 100 keys are busy at any moment (10 per ms for 10 ms); the sweep keeps the rest out.
    expect(peak).toBeLessThan(250);
  });
  it('busy keys are capped at maxKeys, the oldest forgotten first', async () => {
    const clock = createManualClock(0);
    const store = new MemoryRateLimitStore({ clock, maxKeys: 1_000 });
    const rule = { limit: 1, windowMs: 3_600_000 };
    for (let index = 0; index < 5_000; index += 1) await store.consume([{ key: `k${index}`, rule }], 1);
    expect(store.size).toBe(1_000);
    expect((await store.consume([{ key: 'k4999', rule }], 1)).allowed).toBe(false);
    expect((await store.consume([{ key: 'k0', rule }], 1)).allowed).toBe(true);
  });
});
