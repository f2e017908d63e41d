import { MemoryDedupeStore, createManualClock } from '@botkeel/core';
import { describe, expect, it } from 'vitest';

describe('MemoryDedupeStore stays bounded', () => {
  it('1,000,000 completed keys with a short ttl keep the map bounded', async () => {
    const clock = createManualClock(0);
    const store = new MemoryDedupeStore({ clock });
    let peak = 0;
    for (let index = 0; index < 1_000_000; index += 1) {
      const key = `update:${index}`;
      await store.claim(key, { leaseMs: 5 });
      await store.complete(key, { ttlMs: 20 });
      if (index % 10 === 0) clock.advance(1);
      peak = Math.max(peak, store.size);
    }
    expect(peak).toBeLessThan(500);
  });
  it('live keys are capped at maxKeys', async () => {
    const store = new MemoryDedupeStore({ clock: createManualClock(0), maxKeys: 100 });
    for (let index = 0; index < 1_000; index += 1) await store.claim(`k${index}`, { leaseMs: 60_000 });
    expect(store.size).toBe(100);
    expect(await store.claim('k999', { leaseMs: 60_000 })).toBe('in-progress');
    expect(await store.claim('k0', { leaseMs: 60_000 })).toBe('claimed');
  });
});
