import { BotkeelError, MemoryDebounceStore, createDebouncer } from '@botkeel/core';
import { createManualClock } from '@botkeel/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type Delivery, type LogLine, capturingLogger, crashable, deferred, recording } from './harness.js';

const quietMs = 1_000;
const maxWaitMs = 5_000;
const leaseMs = 30_000;
const window = { quietMs, maxWaitMs, maxItems: 10 };

const stoppers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stoppers.splice(0)) await stop();
});

function setup() {
  const clock = createManualClock(0);
  const inner = new MemoryDebounceStore();
  const store = crashable(inner);
  const deliveries: Delivery[] = [];
  const lines: LogLine[] = [];
  return { clock, inner, store, deliveries, lines, logger: capturingLogger(lines) };
}

describe('createDebouncer under faults', () => {
  it('rejects a push with STORE_UNAVAILABLE when the store is down, so the caller can answer 503', async () => {
    const context = setup();
    const debouncer = createDebouncer<string>({
      ...context,
      quietMs,
      maxWaitMs,
      maxItems: 10,
      onFlush: () => undefined,
    });
    context.store.crash();
    const error: unknown = await debouncer.push('chat-1', 'a').catch((reason: unknown) => reason);
    expect(BotkeelError.hasCode(error, 'STORE_UNAVAILABLE')).toBe(true);
    context.store.recover();
    expect(await context.inner.nextDueAt()).toBeUndefined();
  });

  it('keeps claiming every pollMs while the store is down and flushes once it is back', async () => {
    const context = setup();
    const debouncer = createDebouncer<string>({
      ...context,
      quietMs,
      maxWaitMs,
      maxItems: 10,
      pollMs: 2_000,
      onFlush: recording(context.deliveries, context.clock, 'a'),
    });
    stoppers.push(() => debouncer.stop({ signal: AbortSignal.abort() }));
    debouncer.start();
    await debouncer.push('chat-1', 'a');
    context.store.crash();
    await context.clock.advanceAsync(10_000);
    expect(context.deliveries).toEqual([]);
    expect(
      context.lines.some((line) => line.level === 'warn' && line.message?.includes('claim failed')),
    ).toBe(true);
    context.store.recover();
    await context.clock.advanceAsync(2_000);
    expect(context.deliveries).toMatchObject([{ items: ['a'], deliveries: 1 }]);
  });

  it('aborts the flush signal with LOCK_LOST when the lease is lost, and does not ack', async () => {
    const context = setup();
    const finish = deferred();
    let reason: unknown;
    const debouncer = createDebouncer<string>({
      ...context,
      quietMs,
      maxWaitMs,
      maxItems: 10,
      leaseMs,
      onFlush: recording(context.deliveries, context.clock, 'a', async (_delivery, info) => {
        info.signal.addEventListener('abort', () => {
          reason = info.signal.reason;
        });
        await finish.promise;
      }),
    });
    stoppers.push(() => debouncer.stop({ signal: AbortSignal.abort() }));
    debouncer.start();
    await debouncer.push('chat-1', 'a');
    await context.clock.advanceAsync(quietMs);
    const batchId = context.deliveries[0]!.batchId;
    // Somebody else finished this batch (e.g. after a long pause here) and acked it; a new burst follows.
    await context.inner.ack('chat-1', batchId);
    await context.inner.push('chat-1', '"b"', window, context.clock.now());
    await context.clock.advanceAsync(leaseMs / 3);
    expect(BotkeelError.hasCode(reason, 'LOCK_LOST')).toBe(true);
    finish.resolve();
    await context.clock.advanceAsync(0);
    expect(context.lines.some((line) => line.message?.includes('lease was lost'))).toBe(true);
    // The newer burst is still there (a stale ack would have been ignored anyway, but none was sent).
    await context.clock.advanceAsync(quietMs);
    expect(context.deliveries.map((delivery) => delivery.items)).toEqual([['a'], ['b']]);
  });

  it('aborts the flush with LOCK_LOST once its lease ran out while the store was unreachable', async () => {
    const context = setup();
    let abortedAtMs: number | undefined;
    let reason: unknown;
    const debouncer = createDebouncer<string>({
      ...context,
      quietMs,
      maxWaitMs,
      maxItems: 10,
      leaseMs,
      onFlush: recording(context.deliveries, context.clock, 'a', (_delivery, info) => {
        return new Promise<void>((_resolve, reject) => {
          info.signal.addEventListener('abort', () => {
            abortedAtMs = context.clock.now();
            reason = info.signal.reason;
            reject(info.signal.reason as Error);
          });
        });
      }),
    });
    stoppers.push(() => debouncer.stop({ signal: AbortSignal.abort() }));
    debouncer.start();
    await debouncer.push('chat-1', 'a');
    await context.clock.advanceAsync(quietMs);
    context.store.crash();
    await context.clock.advanceAsync(leaseMs - 1);
    expect(abortedAtMs).toBeUndefined();
    await context.clock.advanceAsync(1);
    expect(abortedAtMs).toBe(quietMs + leaseMs);
    expect(BotkeelError.hasCode(reason, 'LOCK_LOST')).toBe(true);
    context.store.recover();
    await context.clock.advanceAsync(60_000);
    expect(context.deliveries.map((delivery) => delivery.deliveries)).toEqual([1, 2]);
  });

  it('treats an item the codec cannot decode as a failed delivery and dead-letters it into the log', async () => {
    const context = setup();
    const debouncer = createDebouncer<string>({
      ...context,
      quietMs,
      maxWaitMs,
      maxItems: 10,
      maxDeliveries: 2,
      retryDelayMs: 100,
      onFlush: recording(context.deliveries, context.clock, 'a'),
    });
    stoppers.push(() => debouncer.stop({ signal: AbortSignal.abort() }));
    debouncer.start();
    await context.inner.push('chat-1', '{not json', window, 0);
    await context.clock.advanceAsync(quietMs + 1_000);
    expect(context.deliveries).toEqual([]);
    const deadLetter = context.lines.find((line) => line.message?.includes('dead-lettered'));
    expect(deadLetter?.level).toBe('error');
    expect(deadLetter?.fields).toMatchObject({ key: 'chat-1', deliveries: 2, items: ['{not json'] });
    expect(await context.inner.nextDueAt()).toBeUndefined();
  });

  it('dead-letters a batch that comes back from crashes more than maxDeliveries times without calling onFlush', async () => {
    const context = setup();
    for (let attempt = 0; attempt < 2; attempt += 1) {
      await context.inner.push('chat-1', '"poison"', window, 0);
    }
    await context.inner.claimDue({ nowMs: quietMs, leaseMs: 10, limit: 1 });
    await context.inner.claimDue({ nowMs: quietMs + 10, leaseMs: 10, limit: 1 });
    const deadLetters: { items: readonly string[]; deliveries: number; error: unknown }[] = [];
    const debouncer = createDebouncer<string>({
      ...context,
      quietMs,
      maxWaitMs,
      maxItems: 10,
      maxDeliveries: 2,
      onFlush: recording(context.deliveries, context.clock, 'a'),
      onDeadLetter: (_key, items, info) => {
        deadLetters.push({ items, deliveries: info.deliveries, error: info.error });
      },
    });
    stoppers.push(() => debouncer.stop({ signal: AbortSignal.abort() }));
    await context.clock.advanceAsync(quietMs + 20);
    debouncer.start();
    await context.clock.advanceAsync(0);
    expect(context.deliveries).toEqual([]);
    expect(deadLetters).toEqual([{ items: ['"poison"', '"poison"'], deliveries: 3, error: undefined }]);
    expect(await context.inner.nextDueAt()).toBeUndefined();
  });

  it('keeps a dead-lettered batch in the store when onDeadLetter throws', async () => {
    const context = setup();
    let calls = 0;
    const debouncer = createDebouncer<string>({
      ...context,
      quietMs,
      maxWaitMs,
      maxItems: 10,
      maxDeliveries: 1,
      maxRetryDelayMs: 5_000,
      onFlush: () => {
        throw new Error('turn failed');
      },
      onDeadLetter: () => {
        calls += 1;
        if (calls === 1) throw new Error('dead-letter queue down');
      },
    });
    stoppers.push(() => debouncer.stop({ signal: AbortSignal.abort() }));
    debouncer.start();
    await debouncer.push('chat-1', 'a');
    await context.clock.advanceAsync(quietMs);
    expect(calls).toBe(1);
    expect(await context.inner.nextDueAt()).toBe(quietMs + 5_000);
    await context.clock.advanceAsync(5_000);
    expect(calls).toBe(2);
    expect(await context.inner.nextDueAt()).toBeUndefined();
  });

  it('stop({ drain: true }) rejects when the store is down, after waiting for running flushes', async () => {
    const context = setup();
    const debouncer = createDebouncer<string>({
      ...context,
      quietMs,
      maxWaitMs,
      maxItems: 10,
      onFlush: recording(context.deliveries, context.clock, 'a'),
    });
    debouncer.start();
    await debouncer.push('chat-1', 'a');
    context.store.crash();
    const error: unknown = await debouncer.stop({ drain: true }).catch((reason: unknown) => reason);
    expect(BotkeelError.hasCode(error, 'STORE_UNAVAILABLE')).toBe(true);
    context.store.recover();
    expect(await context.inner.nextDueAt()).toBe(quietMs);
  });
});
