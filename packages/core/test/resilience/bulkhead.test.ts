import { AbortedError, BotkeelError, createBulkhead } from '@botkeel/core';
import { describe, expect, it } from 'vitest';

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => undefined;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

describe('createBulkhead', () => {
  it('runs at most maxConcurrent at once and queues the rest in order', async () => {
    const bulkhead = createBulkhead({ maxConcurrent: 2, maxQueue: 2 });
    const gates = [deferred<string>(), deferred<string>(), deferred<string>(), deferred<string>()];
    const started: number[] = [];
    const calls = gates.map((gate, index) =>
      bulkhead.execute(() => {
        started.push(index);
        return gate.promise;
      }),
    );
    expect(started).toEqual([0, 1]);
    expect(bulkhead.active).toBe(2);
    expect(bulkhead.queued).toBe(2);
    gates[1]!.resolve('b');
    await calls[1];
    await Promise.resolve();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.resolve('a');
    gates[2]!.resolve('c');
    gates[3]!.resolve('d');
    expect(await Promise.all(calls)).toEqual(['a', 'b', 'c', 'd']);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(bulkhead.active).toBe(0);
    expect(bulkhead.queued).toBe(0);
  });

  it('rejects with BULKHEAD_FULL at once when the queue is full', async () => {
    const bulkhead = createBulkhead({ maxConcurrent: 1, maxQueue: 1, name: 'llm' });
    const gate = deferred<void>();
    const running = bulkhead.execute(() => gate.promise);
    const waiting = bulkhead.execute(() => Promise.resolve());
    let calls = 0;
    const refused = await bulkhead.execute(() => Promise.resolve(calls++)).catch((error: unknown) => error);
    expect(BotkeelError.hasCode(refused, 'BULKHEAD_FULL')).toBe(true);
    expect((refused as BotkeelError).retryable).toBe(true);
    expect((refused as Error).message).toContain('"llm"');
    expect(calls).toBe(0);
    gate.resolve();
    await Promise.all([running, waiting]);
  });

  it('frees a slot when the work fails', async () => {
    const bulkhead = createBulkhead({ maxConcurrent: 1 });
    await expect(bulkhead.execute(() => Promise.reject(new Error('x')))).rejects.toThrow('x');
    expect(await bulkhead.execute(() => Promise.resolve('next'))).toBe('next');
  });

  it('removes an aborted waiter from the queue without running it', async () => {
    const bulkhead = createBulkhead({ maxConcurrent: 1, maxQueue: 5 });
    const gate = deferred<void>();
    const running = bulkhead.execute(() => gate.promise);
    const controller = new AbortController();
    let ran = false;
    const aborted = bulkhead.execute(() => Promise.resolve((ran = true)), controller.signal);
    const next = bulkhead.execute(() => Promise.resolve('next'));
    controller.abort();
    await expect(aborted).rejects.toBeInstanceOf(AbortedError);
    expect(bulkhead.queued).toBe(1);
    gate.resolve();
    await running;
    expect(await next).toBe('next');
    expect(ran).toBe(false);
    expect(bulkhead.active).toBe(0);
  });

  it('rejects invalid options naming the field', () => {
    expect(() => createBulkhead({ maxConcurrent: 0 })).toThrow(/maxConcurrent/);
    expect(() => createBulkhead({ maxConcurrent: 1, maxQueue: -1 })).toThrow(/maxQueue/);
  });
});
