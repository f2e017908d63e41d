import {
  type AbortListener,
  type AbortSource,
  type FlushInfo,
  MemoryDebounceStore,
  MemoryLockStore,
  abortSourceOf,
  createChatLock,
  createDebouncer,
  createManualClock,
} from '@botkeel/core';
import { describe, expect, it } from 'vitest';

/** An AbortSource that counts how often its signal was asked for, and aborts on demand. */
function countingSource(): AbortSource & { signalReads: number; abort(reason: unknown): void } {
  let controller: AbortController | undefined;
  let aborted: { reason: unknown } | undefined;
  const listeners = new Set<AbortListener>();
  return {
    signalReads: 0,
    get isAborted() {
      return aborted !== undefined;
    },
    get reason() {
      return aborted?.reason;
    },
    get signal() {
      this.signalReads += 1;
      controller ??= new AbortController();
      if (aborted !== undefined) controller.abort(aborted.reason);
      return controller.signal;
    },
    addAbortListener(listener) {
      listeners.add(listener);
    },
    removeAbortListener(listener) {
      listeners.delete(listener);
    },
    abort(reason) {
      aborted = { reason };
      controller?.abort(reason);
      for (const listener of [...listeners]) listener.handleEvent();
      listeners.clear();
    },
  };
}

describe('createChatLock with an abortSource', () => {
  const setup = () => {
    const clock = createManualClock();
    return { clock, chatLock: createChatLock({ locks: new MemoryLockStore({ clock }), clock }) };
  };

  it('creates no signal of the source for a turn that runs at once and never aborts', async () => {
    const { chatLock } = setup();
    const source = countingSource();
    // The task reads its own signal: it listens to the source without the source's signal.
    const aborted = await chatLock.run('42', ({ signal }) => Promise.resolve(signal.aborted), {
      abortSource: source,
    });
    expect(aborted).toBe(false);
    expect(source.signalReads).toBe(0);
  });

  it("aborts the task's signal with the source's reason, without the source's signal", async () => {
    const { chatLock } = setup();
    const source = countingSource();
    const reason = new Error('lease lost');
    const seen = await chatLock.run(
      '42',
      ({ signal }) =>
        new Promise<unknown>((resolve) => {
          signal.addEventListener('abort', () => resolve(signal.reason));
          source.abort(reason);
        }),
      { abortSource: source },
    );
    expect(seen).toBe(reason);
    expect(source.signalReads).toBe(0);
  });

  it('gives a task that reads its signal after the abort an aborted signal', async () => {
    const { chatLock } = setup();
    const source = countingSource();
    const reason = new Error('stopped');
    const seen = await chatLock.run(
      '42',
      (turn) => {
        source.abort(reason);
        return Promise.resolve(turn.signal.aborted ? (turn.signal.reason as unknown) : undefined);
      },
      { abortSource: source },
    );
    expect(seen).toBe(reason);
  });

  it('rejects with ABORTED when the source aborted before the task started', async () => {
    const { chatLock } = setup();
    const source = countingSource();
    source.abort(new Error('too late'));
    let isRun = false;
    const outcome = chatLock.run(
      '42',
      () => {
        isRun = true;
        return Promise.resolve();
      },
      { abortSource: source },
    );
    await expect(outcome).rejects.toMatchObject({ code: 'ABORTED' });
    expect(isRun).toBe(false);
  });

  it("uses the source's signal to stop waiting behind another turn of the chat", async () => {
    const { chatLock } = setup();
    let finishFirst: () => void = () => undefined;
    const first = chatLock.run('42', () => new Promise<void>((resolve) => (finishFirst = resolve)));
    const source = countingSource();
    let isRun = false;
    const second = chatLock.run(
      '42',
      () => {
        isRun = true;
        return Promise.resolve();
      },
      { abortSource: source },
    );
    expect(source.signalReads).toBeGreaterThan(0);
    source.abort(new Error('gave up'));
    await expect(second).rejects.toMatchObject({ code: 'ABORTED' });
    finishFirst();
    await first;
    expect(isRun).toBe(false);
  });

  it('refuses signal and abortSource together', async () => {
    const { chatLock } = setup();
    const outcome = chatLock.run('42', () => Promise.resolve(), {
      signal: new AbortController().signal,
      abortSource: countingSource(),
    });
    await expect(outcome).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });

  it('abortSourceOf(signal) behaves as the signal', async () => {
    const { chatLock } = setup();
    const controller = new AbortController();
    const source = abortSourceOf(controller.signal);
    expect(source.isAborted).toBe(false);
    const seen = await chatLock.run(
      '42',
      ({ signal }) =>
        new Promise<unknown>((resolve) => {
          signal.addEventListener('abort', () => resolve(signal.reason));
          controller.abort('bye');
        }),
      { abortSource: source },
    );
    expect(seen).toBe('bye');
    expect(source.isAborted).toBe(true);
    expect(source.reason).toBe('bye');
  });
});

describe("a debounced batch's FlushInfo as an AbortSource", () => {
  it('tells listeners when stop() gives up, once, and creates the signal only when read', async () => {
    const clock = createManualClock();
    const store = new MemoryDebounceStore();
    const calls: unknown[] = [];
    let flushInfo: FlushInfo | undefined;
    const debouncer = createDebouncer<string>({
      store,
      quietMs: 10,
      maxWaitMs: 10,
      maxItems: 10,
      clock,
      onFlush: (_key, _items, info) => {
        flushInfo = info;
        expect(info.isAborted).toBe(false);
        expect(info.reason).toBeUndefined();
        const listener = { handleEvent: () => calls.push(info.reason) };
        info.addAbortListener(listener);
        const removed = { handleEvent: () => calls.push('removed listener called') };
        info.addAbortListener(removed);
        info.removeAbortListener(removed);
        return new Promise<void>(() => undefined); // never finishes on its own
      },
    });
    debouncer.start();
    await debouncer.push('chat', 'a');
    await clock.advanceAsync(10);
    expect(flushInfo).toBeDefined();
    const reason = new Error('stop gave up');
    await debouncer.stop({ signal: AbortSignal.abort(reason) });
    expect(calls).toEqual([reason]);
    expect(flushInfo?.isAborted).toBe(true);
    expect(flushInfo?.reason).toBe(reason);
    // Created now, already aborted with the same reason.
    expect(flushInfo?.signal.aborted).toBe(true);
    expect(flushInfo?.signal.reason).toBe(reason);
  });

  it('aborts with LOCK_LOST when the lease is lost while the batch is handled', async () => {
    const clock = createManualClock();
    const store = new MemoryDebounceStore();
    const reasons: unknown[] = [];
    let release: () => void = () => undefined;
    const debouncer = createDebouncer<string>({
      store,
      quietMs: 10,
      maxWaitMs: 10,
      maxItems: 10,
      leaseMs: 300,
      clock,
      onFlush: (key, _items, info) => {
        info.addAbortListener({ handleEvent: () => reasons.push(info.reason) });
        // Another instance took the batch over: the next renewal finds it gone.
        void store.ack(key, info.batchId);
        return new Promise<void>((resolve) => (release = resolve));
      },
    });
    debouncer.start();
    await debouncer.push('chat', 'a');
    await clock.advanceAsync(10);
    await clock.advanceAsync(100);
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatchObject({ code: 'LOCK_LOST' });
    release();
    await debouncer.stop({ drain: false });
  });
});
