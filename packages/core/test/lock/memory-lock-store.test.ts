import { MemoryLockStore, createManualClock } from '@botkeel/core';
import { describe, expect, it } from 'vitest';

describe('MemoryLockStore', () => {
  it('forgets expired locks nobody released once enough acquisitions happened', async () => {
    const clock = createManualClock(0);
    const store = new MemoryLockStore({ clock });
    for (let index = 0; index < 1_000; index += 1) await store.acquire(`chat:${index}`, { leaseMs: 10 });
    expect(store.size).toBe(1_000);
    clock.advance(10);
    for (let index = 0; index < 100; index += 1) {
      const lease = await store.acquire(`other:${index}`, { leaseMs: 10 });
      if (lease !== undefined) await store.release(lease);
    }
    expect(store.size).toBe(0);
  });

  it('leaves no entry behind after release', async () => {
    const store = new MemoryLockStore({ clock: createManualClock(0) });
    const lease = await store.acquire('chat:1', { leaseMs: 1_000 });
    expect(store.size).toBe(1);
    expect(await store.release(lease!)).toBe(true);
    expect(store.size).toBe(0);
  });

  it('rejects a non-positive or fractional lease with INVALID_OPTIONS', async () => {
    const store = new MemoryLockStore({ clock: createManualClock(0) });
    for (const leaseMs of [0, -5, 1.5, Number.NaN]) {
      await expect(store.acquire('chat:1', { leaseMs })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    }
  });

  it('names the bad option field', () => {
    expect(() => new MemoryLockStore({ clock: undefined, extra: 1 } as never)).toThrow(/MemoryLockStore/);
  });
});
