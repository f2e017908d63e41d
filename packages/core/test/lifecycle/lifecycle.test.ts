import { createLifecycle } from '@botkeel/core';
import { createManualClock } from '@botkeel/core/testing';
import { describe, expect, it } from 'vitest';

describe('createLifecycle', () => {
  it('closes resources in reverse order of registration', async () => {
    const lifecycle = createLifecycle({ clock: createManualClock() });
    const order: string[] = [];
    for (const name of ['postgres', 'redis', 'http']) lifecycle.register(name, () => void order.push(name));
    const report = await lifecycle.shutdown({ deadlineMs: 1_000 });
    expect(order).toEqual(['http', 'redis', 'postgres']);
    expect(report.closed).toEqual(['http', 'redis', 'postgres']);
    expect(report.timedOut).toEqual([]);
  });

  it('aborts a resource that outlives its budget and moves on to the next', async () => {
    const clock = createManualClock();
    const lifecycle = createLifecycle({ clock });
    let abortedSignal: AbortSignal | undefined;
    lifecycle.register('pool', () => undefined);
    lifecycle.register(
      'stuck',
      (signal) =>
        new Promise<void>(() => {
          abortedSignal = signal;
        }),
      { timeoutMs: 200 },
    );
    const pending = lifecycle.shutdown({ deadlineMs: 1_000 });
    await clock.advanceAsync(200);
    const report = await pending;
    expect(abortedSignal?.aborted).toBe(true);
    expect(report).toMatchObject({ timedOut: ['stuck'], closed: ['pool'], elapsedMs: 200 });
  });

  it('never exceeds the overall deadline, whatever each resource asks for', async () => {
    const clock = createManualClock();
    const lifecycle = createLifecycle({ clock });
    const hang = () => new Promise<void>(() => undefined);
    lifecycle.register('a', hang, { timeoutMs: 5_000 });
    lifecycle.register('b', hang, { timeoutMs: 5_000 });
    const pending = lifecycle.shutdown({ deadlineMs: 300 });
    await clock.advanceAsync(300);
    const report = await pending;
    expect(report.elapsedMs).toBe(300);
    expect(report.timedOut).toEqual(['b', 'a']);
  });

  it('reports a failing close and still closes the rest', async () => {
    const lifecycle = createLifecycle({ clock: createManualClock() });
    const closed: string[] = [];
    lifecycle.register('first', () => void closed.push('first'));
    lifecycle.register('broken', () => {
      throw new Error('boom');
    });
    const report = await lifecycle.shutdown({ deadlineMs: 100 });
    expect(closed).toEqual(['first']);
    expect(report.failed.map((failure) => failure.name)).toEqual(['broken']);
  });

  it('is idempotent and skips unregistered resources', async () => {
    const lifecycle = createLifecycle({ clock: createManualClock() });
    let calls = 0;
    lifecycle.register('kept', () => void calls++);
    const unregister = lifecycle.register('gone', () => void calls++);
    unregister();
    const first = lifecycle.shutdown({ deadlineMs: 100 });
    expect(lifecycle.isShuttingDown).toBe(true);
    expect(lifecycle.shutdown({ deadlineMs: 100 })).toBe(first);
    await first;
    expect(calls).toBe(1);
  });
});
