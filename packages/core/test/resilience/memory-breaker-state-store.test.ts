import { MemoryBreakerStateStore, isNewerBreakerRecord } from '@botkeel/core';
import { breakerStateStoreConformance, createManualClock } from '@botkeel/core/testing';
import { describe, expect, it } from 'vitest';

breakerStateStoreConformance(() => new MemoryBreakerStateStore());

describe('MemoryBreakerStateStore', () => {
  it('expires records by its injected clock', async () => {
    const clock = createManualClock(0);
    const store = new MemoryBreakerStateStore({ clock });
    await store.write('b', { state: 'open', changedAtMs: 0, writerId: 'a' }, { ttlMs: 1_000 });
    clock.advance(999);
    expect((await store.read('b'))?.state).toBe('open');
    clock.advance(1);
    expect(await store.read('b')).toBeUndefined();
  });

  it('keeps a cooldown entry alive as long as the longest ttl given', async () => {
    const clock = createManualClock(0);
    const store = new MemoryBreakerStateStore({ clock });
    await store.extendCooldown('b', 5_000, { ttlMs: 5_000 });
    await store.extendCooldown('b', 4_000, { ttlMs: 10_000 });
    clock.advance(7_000);
    expect(await store.readCooldown('b')).toBe(5_000);
  });

  it('rejects a non-positive ttl with an error naming ttlMs', async () => {
    const store = new MemoryBreakerStateStore();
    await expect(
      store.write('b', { state: 'open', changedAtMs: 0, writerId: 'a' }, { ttlMs: 0 }),
    ).rejects.toThrow(/ttlMs/);
  });

  it('rejects an invalid clock option', () => {
    expect(() => new MemoryBreakerStateStore({ clock: {} as never })).toThrow(/clock/);
  });
});

describe('isNewerBreakerRecord', () => {
  it('orders by changedAtMs, then writerId', () => {
    expect(isNewerBreakerRecord({ state: 'open', changedAtMs: 2, writerId: 'a' }, undefined)).toBe(true);
    expect(
      isNewerBreakerRecord(
        { state: 'open', changedAtMs: 2, writerId: 'a' },
        { state: 'closed', changedAtMs: 3, writerId: 'a' },
      ),
    ).toBe(false);
    expect(
      isNewerBreakerRecord(
        { state: 'open', changedAtMs: 3, writerId: 'b' },
        { state: 'closed', changedAtMs: 3, writerId: 'a' },
      ),
    ).toBe(true);
    expect(
      isNewerBreakerRecord(
        { state: 'open', changedAtMs: 3, writerId: 'a' },
        { state: 'closed', changedAtMs: 3, writerId: 'a' },
      ),
    ).toBe(false);
  });
});
