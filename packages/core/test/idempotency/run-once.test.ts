import { type AbortSource, abortSourceOf, idempotent } from '@botkeel/core';
import { describe, expect, it } from 'vitest';
import { runOnce, type RunOnceSettings } from '../../src/idempotency/run-once.js';
import { runOnceSetup } from './run-once-setup.js';

describe('runOnce', () => {
  it('runs a key left in progress by a crashed owner once its lease ran out, exactly once', async () => {
    const { clock, store, settings } = runOnceSetup();
    // The "crashed" owner began the key and never completed or released it.
    expect((await store.begin('batch:1:reply:2', { leaseMs: 1_000 })).status).toBe('started');
    let runs = 0;
    const callers = [1, 2, 3].map(() =>
      runOnce(store, 'batch:1:reply:2', () => ++runs, settings as RunOnceSettings<number>, undefined),
    );
    await clock.advanceAsync(900);
    expect(runs).toBe(0);
    await clock.advanceAsync(300);
    expect(await Promise.all(callers)).toEqual([1, 1, 1]);
    expect(runs).toBe(1);
  });

  it('releases the key when fn fails, so the next delivery runs it again', async () => {
    const { store, settings } = runOnceSetup();
    await expect(
      runOnce(store, 'k', () => Promise.reject(new Error('send failed')), settings, undefined),
    ).rejects.toThrow('send failed');
    expect(await runOnce(store, 'k', () => 'sent', settings, undefined)).toBe('sent');
    expect(await runOnce(store, 'k', () => 'again', settings, undefined)).toBe('sent');
  });

  it('stops waiting with ABORTED when its signal aborts', async () => {
    const { clock, store, settings } = runOnceSetup();
    await store.begin('busy', { leaseMs: 60_000 });
    const controller = new AbortController();
    const waiting = runOnce(store, 'busy', () => 'never', settings, abortSourceOf(controller.signal)).catch(
      (error: unknown) => error,
    );
    await clock.advanceAsync(250);
    controller.abort();
    expect(await waiting).toMatchObject({ code: 'ABORTED' });
    expect(clock.pendingTimers()).toBe(0);
  });

  it("reads its abort source's signal only to wait for a record held elsewhere", async () => {
    const { clock, store, settings } = runOnceSetup();
    const controller = new AbortController();
    let signalReads = 0;
    const source: AbortSource = {
      get isAborted() {
        return controller.signal.aborted;
      },
      get reason(): unknown {
        return controller.signal.reason as unknown;
      },
      get signal() {
        signalReads += 1;
        return controller.signal;
      },
      addAbortListener: () => undefined,
      removeAbortListener: () => undefined,
    };
    expect(await runOnce(store, 'free', () => 'done', settings, source)).toBe('done');
    expect(await runOnce(store, 'free', () => 'again', settings, source)).toBe('done');
    expect(signalReads).toBe(0);
    await store.begin('busy', { leaseMs: 60_000 });
    const waiting = runOnce(store, 'busy', () => 'never', settings, source).catch((error: unknown) => error);
    await clock.advanceAsync(150);
    expect(signalReads).toBeGreaterThan(0);
    controller.abort();
    expect(await waiting).toMatchObject({ code: 'ABORTED' });
    // Aborted before it starts: no begin, no signal needed.
    const reads = signalReads;
    await expect(runOnce(store, 'other', () => 'x', settings, source)).rejects.toMatchObject({
      code: 'ABORTED',
    });
    expect(signalReads).toBe(reads);
  });

  it('writes and reads the same records as idempotent()', async () => {
    const { clock, store, settings } = runOnceSetup();
    await runOnce(store, 'a', () => ({ replies: ['hi'] }), settings, undefined);
    expect(await idempotent(store, 'a', () => 'other', { ttlMs: 60_000, leaseMs: 1_000, clock })).toEqual({
      replies: ['hi'],
    });
    await idempotent(store, 'b', () => 42, { ttlMs: 60_000, leaseMs: 1_000, clock });
    expect(await runOnce(store, 'b', () => 0, settings, undefined)).toBe(42);
  });
});
