import { MemoryIdempotencyStore, createManualClock, idempotent, type IdempotencyStore } from '@botkeel/core';
import { describe, expect, it } from 'vitest';

/** A memory store whose `complete` and `release` fail while `isDown` (a store restart). */
function flakyStore() {
  const clock = createManualClock(0);
  const inner = new MemoryIdempotencyStore({ clock });
  const state = { isDown: false, closingCalls: 0 };
  const refuse = () => Promise.reject(new Error('connection closed'));
  const store: IdempotencyStore = {
    begin: (key, options) => inner.begin(key, options),
    complete(key, token, result, options) {
      state.closingCalls += 1;
      return state.isDown ? refuse() : inner.complete(key, token, result, options);
    },
    release(key, token) {
      state.closingCalls += 1;
      return state.isDown ? refuse() : inner.release(key, token);
    },
  };
  return { clock, inner, store, state };
}

const options = (clock: ReturnType<typeof createManualClock>) => ({ ttlMs: 60_000, leaseMs: 120_000, clock });

describe('idempotent when the store refuses the closing write for a moment', () => {
  it('stores the result once the store is back, instead of leaving the key in progress for its lease', async () => {
    const { clock, inner, store, state } = flakyStore();
    state.isDown = true;
    expect(await idempotent(store, 'send', () => 'sent', options(clock))).toBe('sent');
    expect(await inner.begin('send', { leaseMs: 1 })).toEqual({ status: 'in-progress' });
    state.isDown = false;
    await clock.advanceAsync(100);
    // Another caller now gets the stored result: the work does not run a second time after the lease.
    let runs = 0;
    expect(await idempotent(store, 'send', () => `again ${++runs}`, options(clock))).toBe('sent');
    expect(runs).toBe(0);
  });

  it('frees the key once the store is back when the work failed, not only when the lease ends', async () => {
    const { clock, inner, store, state } = flakyStore();
    state.isDown = true;
    await expect(
      idempotent(store, 'send', () => Promise.reject(new Error('flood control down')), options(clock)),
    ).rejects.toThrow('flood control down');
    await clock.advanceAsync(100);
    expect(await inner.begin('send', { leaseMs: 1 })).toEqual({ status: 'in-progress' });
    state.isDown = false;
    await clock.advanceAsync(250);
    expect((await inner.begin('send', { leaseMs: 1_000 })).status).toBe('started');
  });

  it('gives up after a few tries when the store stays down (the lease then frees the key)', async () => {
    const { clock, store, state } = flakyStore();
    state.isDown = true;
    expect(await idempotent(store, 'send', () => 'sent', options(clock))).toBe('sent');
    await clock.advanceAsync(60_000);
    expect(state.closingCalls).toBe(7);
  });
});
