import { IdempotencyLeases, type IdempotencyBegin, type IdempotencyStore } from '@botkeel/core';
import { describe, expect, it } from 'vitest';
import { runOnce } from '../../src/idempotency/run-once.js';
import { runOnceSetup } from './run-once-setup.js';

async function started(store: IdempotencyStore, key: string, leaseMs: number): Promise<string> {
  const begun = await store.begin(key, { leaseMs });
  if (begun.status !== 'started') throw new Error(`expected started, got ${begun.status}`);
  return begun.token;
}

/** A store without `extend`, as third-party stores written before it were. */
function withoutExtend(store: IdempotencyStore): IdempotencyStore {
  return {
    begin: (key, options) => store.begin(key, options),
    complete: (key, token, result, options) => store.complete(key, token, result, options),
    release: (key, token) => store.release(key, token),
  };
}

describe('IdempotencyLeases', () => {
  it('keeps a record runOnce holds alive past its lease while the owner extends, then forgets it', async () => {
    const { clock, store, settings } = runOnceSetup();
    const leases = new IdempotencyLeases(store);
    expect(leases.canExtend).toBe(true);
    let finish: (value: string) => void = () => undefined;
    const running = runOnce(
      store,
      'batch:1:turn',
      () => new Promise<string>((resolve) => (finish = resolve)),
      settings,
      undefined,
      leases,
    );
    await clock.advanceAsync(0);
    expect(leases.size).toBe(1);
    for (let renewal = 0; renewal < 5; renewal += 1) {
      await clock.advanceAsync(900);
      expect(await leases.extendAll({ leaseMs: 1_000 })).toBe(true);
    }
    // 4.5 s after a 1 s lease began, another instance still finds the turn in progress.
    expect(await store.begin('batch:1:turn', { leaseMs: 1_000 })).toEqual({ status: 'in-progress' });
    finish('done');
    expect(await running).toBe('done');
    expect(leases.size).toBe(0);
    expect(await store.begin('batch:1:turn', { leaseMs: 1_000 })).toEqual({
      status: 'completed',
      result: '{"value":"done"}',
    });
  });

  it('lets a record whose owner stopped extending lapse after one lease', async () => {
    const { clock, store, settings } = runOnceSetup();
    const leases = new IdempotencyLeases(store);
    void runOnce(
      store,
      'batch:2:turn',
      () => new Promise<never>(() => undefined),
      settings,
      undefined,
      leases,
    );
    await clock.advanceAsync(900);
    expect(await leases.extendAll({ leaseMs: 1_000 })).toBe(true);
    // The owner "crashes": no more extends. One lease after the last one, the key is free.
    await clock.advanceAsync(999);
    expect(await store.begin('batch:2:turn', { leaseMs: 1_000 })).toEqual({ status: 'in-progress' });
    await clock.advanceAsync(1);
    expect((await store.begin('batch:2:turn', { leaseMs: 1_000 })).status).toBe('started');
  });

  it('answers false and drops the record when its lease ran out and was taken over', async () => {
    const { clock, store } = runOnceSetup();
    const leases = new IdempotencyLeases(store);
    leases.hold('a', await started(store, 'a', 1_000));
    leases.hold('b', await started(store, 'b', 60_000));
    await clock.advanceAsync(1_000);
    await started(store, 'a', 60_000);
    expect(await leases.extendAll({ leaseMs: 60_000 })).toBe(false);
    expect(leases.size).toBe(1);
    expect(await leases.extendAll({ leaseMs: 60_000 })).toBe(true);
  });

  it('does not count a record completed while its extend ran as lost', async () => {
    const { store } = runOnceSetup();
    let letExtendAnswer: () => void = () => undefined;
    const slowExtend: IdempotencyStore = {
      ...withoutExtend(store),
      extend: async (key, token, options) => {
        await new Promise<void>((resolve) => (letExtendAnswer = resolve));
        return store.extend(key, token, options);
      },
    };
    const leases = new IdempotencyLeases(slowExtend);
    const token = await started(store, 'reply:0', 1_000);
    leases.hold('reply:0', token);
    const extending = leases.extendAll({ leaseMs: 1_000 });
    leases.drop('reply:0', token);
    await store.complete('reply:0', token, 'sent', { ttlMs: 60_000 });
    letExtendAnswer();
    expect(await extending).toBe(true);
  });

  it('rejects with the store error when an extend failed and none was refused, and keeps the record', async () => {
    const { store } = runOnceSetup();
    const down = new Error('store down');
    const failing: IdempotencyStore = { ...withoutExtend(store), extend: () => Promise.reject(down) };
    const leases = new IdempotencyLeases(failing);
    leases.hold('k', await started(store, 'k', 1_000));
    await expect(leases.extendAll({ leaseMs: 1_000 })).rejects.toBe(down);
    expect(leases.size).toBe(1);
  });

  it('does nothing for a store without extend', async () => {
    const { store } = runOnceSetup();
    const leases = new IdempotencyLeases(withoutExtend(store));
    expect(leases.canExtend).toBe(false);
    leases.hold('k', await started(store, 'k', 1_000));
    expect(await leases.extendAll({ leaseMs: 1_000 })).toBe(true);
  });

  it('drops only the token it was given', async () => {
    const { store } = runOnceSetup();
    const leases = new IdempotencyLeases(store);
    const token = await started(store, 'k', 1_000);
    leases.hold('k', token);
    leases.drop('k', `${token}-other`);
    expect(leases.size).toBe(1);
    leases.drop('k', token);
    expect(leases.size).toBe(0);
  });

  it('stops holding a record when runOnce releases it after fn failed', async () => {
    const { store, settings } = runOnceSetup();
    const leases = new IdempotencyLeases(store);
    await expect(
      runOnce(store, 'k', () => Promise.reject(new Error('send failed')), settings, undefined, leases),
    ).rejects.toThrow('send failed');
    expect(leases.size).toBe(0);
    const begun: IdempotencyBegin = await store.begin('k', { leaseMs: 1_000 });
    expect(begun.status).toBe('started');
  });
});
