import { BotkeelError, MemoryIdempotencyStore, createManualClock, idempotent } from '@botkeel/core';
import { describe, expect, it } from 'vitest';

function setup() {
  const clock = createManualClock(0);
  const store = new MemoryIdempotencyStore({ clock });
  return { clock, store };
}

/** A function whose runs the test counts and finishes by hand. */
function controlledWork<T>() {
  const runs: ((value: T) => void)[] = [];
  const fails: ((error: Error) => void)[] = [];
  const signals: AbortSignal[] = [];
  const fn = (signal: AbortSignal) =>
    new Promise<T>((resolve, reject) => {
      runs.push(resolve);
      fails.push(reject);
      signals.push(signal);
    });
  return { fn, runs, fails, signals };
}

describe('idempotent', () => {
  it('runs fn once for concurrent callers and gives all of them its result', async () => {
    const { clock, store } = setup();
    const work = controlledWork<{ id: number }>();
    const options = { ttlMs: 60_000, leaseMs: 10_000, clock };
    const callers = Array.from({ length: 10 }, () => idempotent(store, 'order:1', work.fn, options));
    await clock.advanceAsync(0);
    expect(work.runs).toHaveLength(1);
    work.runs[0]!({ id: 7 });
    await clock.advanceAsync(100);
    expect(await Promise.all(callers)).toEqual(Array(10).fill({ id: 7 }));
    expect(work.runs).toHaveLength(1);
  });

  it('replays the stored result until ttlMs, then runs again', async () => {
    const { clock, store } = setup();
    let runs = 0;
    const fn = () => Promise.resolve(++runs);
    const options = { ttlMs: 1_000, leaseMs: 100, clock };
    expect(await idempotent(store, 'k', fn, options)).toBe(1);
    clock.advance(999);
    expect(await idempotent(store, 'k', fn, options)).toBe(1);
    clock.advance(1);
    expect(await idempotent(store, 'k', fn, options)).toBe(2);
  });

  it('round-trips undefined and nested values through the default JSON serializer', async () => {
    const { clock, store } = setup();
    const options = { ttlMs: 1_000, leaseMs: 100, clock };
    await idempotent(store, 'u', () => undefined, options);
    expect(await idempotent(store, 'u', () => 'not run', options)).toBeUndefined();
    await idempotent(store, 'n', () => ({ list: [1, 'two', null] }), options);
    expect(await idempotent(store, 'n', () => 'not run', options)).toEqual({ list: [1, 'two', null] });
  });

  it('releases the key when fn fails, so a waiting caller runs fn itself', async () => {
    const { clock, store } = setup();
    const work = controlledWork<string>();
    const options = { ttlMs: 60_000, leaseMs: 10_000, clock, pollIntervalMs: 10 };
    const first = idempotent(store, 'k', work.fn, options).catch((error: unknown) => error);
    const second = idempotent(store, 'k', work.fn, options);
    await clock.advanceAsync(0);
    work.fails[0]!(new Error('boom'));
    expect(((await first) as Error).message).toBe('boom');
    await clock.advanceAsync(10);
    expect(work.runs).toHaveLength(2);
    work.runs[1]!('second try');
    expect(await second).toBe('second try');
  });

  it('lets another caller take over when the lease runs out, and aborts the first run', async () => {
    const { clock, store } = setup();
    const work = controlledWork<string>();
    const options = { ttlMs: 60_000, leaseMs: 500, clock, pollIntervalMs: 50 };
    const first = idempotent(store, 'k', work.fn, options);
    await clock.advanceAsync(0);
    const second = idempotent(store, 'k', work.fn, options);
    await clock.advanceAsync(499);
    expect(work.runs).toHaveLength(1);
    expect(work.signals[0]!.aborted).toBe(false);
    await clock.advanceAsync(51);
    expect(work.signals[0]!.aborted).toBe(true);
    expect(work.runs).toHaveLength(2);
    work.runs[1]!('from second');
    work.runs[0]!('from first, too late');
    expect(await second).toBe('from second');
    expect(await first).toBe('from first, too late');
    // The stale owner could not overwrite the stored result.
    expect(await idempotent(store, 'k', () => 'not run', options)).toBe('from second');
  });

  it('stops waiting with ABORTED when the caller aborts', async () => {
    const { clock, store } = setup();
    const work = controlledWork<string>();
    const options = { ttlMs: 60_000, leaseMs: 10_000, clock };
    void idempotent(store, 'k', work.fn, options).catch(() => undefined);
    await clock.advanceAsync(0);
    const controller = new AbortController();
    const waiting = idempotent(store, 'k', work.fn, { ...options, signal: controller.signal }).catch(
      (error: unknown) => error,
    );
    await clock.advanceAsync(200);
    controller.abort();
    expect(BotkeelError.hasCode(await waiting, 'ABORTED')).toBe(true);
    work.runs[0]!('done');
  });

  it('names a bad option', async () => {
    const { store } = setup();
    await expect(idempotent(store, 'k', () => 1, { ttlMs: 0, leaseMs: 1 })).rejects.toThrow(/ttlMs/);
  });
});

describe('idempotent when the store fails', () => {
  it('still returns the result when storing it fails, and the key frees itself when the lease ends', async () => {
    const { clock, store } = setup();
    const failing = Object.assign(Object.create(store) as MemoryIdempotencyStore, {
      complete: () => Promise.reject(new Error('store down')),
    });
    const options = { ttlMs: 60_000, leaseMs: 1_000, clock };
    expect(await idempotent(failing, 'k', () => 'value', options)).toBe('value');
    expect(await store.begin('k', { leaseMs: 1_000 })).toEqual({ status: 'in-progress' });
    clock.advance(1_000);
    expect((await store.begin('k', { leaseMs: 1_000 })).status).toBe('started');
  });

  it('rejects when begin fails, without running fn', async () => {
    const { clock, store } = setup();
    const failing = Object.assign(Object.create(store) as MemoryIdempotencyStore, {
      begin: () => Promise.reject(new Error('store down')),
    });
    let runs = 0;
    const run = () => ++runs;
    await expect(idempotent(failing, 'k', run, { ttlMs: 1, leaseMs: 1, clock })).rejects.toThrow(
      'store down',
    );
    expect(runs).toBe(0);
  });
});
