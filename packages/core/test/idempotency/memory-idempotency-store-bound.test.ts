import { MemoryIdempotencyStore, createManualClock } from '@botkeel/core';
import { describe, expect, it } from 'vitest';

describe('MemoryIdempotencyStore stays bounded', () => {
  it('200,000 keys with a short ttl keep the map bounded, and maxKeys caps live ones', async () => {
    const clock = createManualClock(0);
    const store = new MemoryIdempotencyStore({ clock });
    let peak = 0;
    for (let index = 0; index < 200_000; index += 1) {
      const begun = await store.begin(`op:${index}`, { leaseMs: 5 });
      if (begun.status === 'started') await store.complete(`op:${index}`, begun.token, 'ok', { ttlMs: 20 });
      if (index % 10 === 0) clock.advance(1);
      peak = Math.max(peak, store.size);
    }
    expect(peak).toBeLessThan(500);
    const capped = new MemoryIdempotencyStore({ clock, maxKeys: 50 });
    for (let index = 0; index < 500; index += 1) await capped.begin(`k${index}`, { leaseMs: 60_000 });
    expect(capped.size).toBe(50);
  });
});
