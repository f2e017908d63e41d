import { BotkeelError, createKeyedQueue, createManualClock, type ManualClock } from '@botkeel/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const delay = (clock: ManualClock, ms: number): Promise<void> =>
  new Promise((resolve) => {
    clock.setTimeout(resolve, ms);
  });

describe('createKeyedQueue', () => {
  it('runs tasks of one key one at a time in arrival order, and other keys in parallel', async () => {
    const clock = createManualClock(0);
    const queue = createKeyedQueue();
    const log: string[] = [];
    const task = (name: string, ms: number) => async () => {
      log.push(`start ${name}@${clock.now()}`);
      await delay(clock, ms);
      log.push(`end ${name}@${clock.now()}`);
      return name;
    };
    const results = Promise.all([
      queue.run('a', task('a1', 30)),
      queue.run('a', task('a2', 10)),
      queue.run('b', task('b1', 5)),
      queue.run('a', task('a3', 1)),
    ]);
    expect(queue.pending('a')).toBe(3);
    expect(queue.size).toBe(2);
    await clock.runAllAsync();
    expect(await results).toEqual(['a1', 'a2', 'b1', 'a3']);
    expect(log).toEqual([
      'start a1@0',
      'start b1@0',
      'end b1@5',
      'end a1@30',
      'start a2@30',
      'end a2@40',
      'start a3@40',
      'end a3@41',
    ]);
    expect(queue.size).toBe(0);
  });

  it('moves on to the next task after one rejects or throws synchronously', async () => {
    const queue = createKeyedQueue();
    const failing = queue.run('a', () => Promise.reject(new Error('boom')));
    const throwing = queue.run('a', () => {
      throw new Error('sync boom');
    });
    const next = queue.run('a', () => Promise.resolve('next'));
    await expect(failing).rejects.toThrow('boom');
    await expect(throwing).rejects.toThrow('sync boom');
    expect(await next).toBe('next');
    expect(queue.size).toBe(0);
  });

  it('rejects with QUEUE_FULL beyond maxQueuedPerKey waiting tasks, without touching other keys', async () => {
    const clock = createManualClock(0);
    const queue = createKeyedQueue({ maxQueuedPerKey: 2 });
    const running = queue.run('a', () => delay(clock, 10));
    const waiting = [queue.run('a', () => Promise.resolve(1)), queue.run('a', () => Promise.resolve(2))];
    const error: unknown = await queue.run('a', () => Promise.resolve(3)).catch((reason: unknown) => reason);
    expect(BotkeelError.hasCode(error, 'QUEUE_FULL')).toBe(true);
    expect((error as BotkeelError).retryable).toBe(true);
    expect(await queue.run('b', () => Promise.resolve('b'))).toBe('b');
    await clock.runAllAsync();
    await running;
    expect(await Promise.all(waiting)).toEqual([1, 2]);
    expect(queue.size).toBe(0);
  });

  it('removes a waiting task whose signal aborts and never runs it', async () => {
    const clock = createManualClock(0);
    const queue = createKeyedQueue();
    const controller = new AbortController();
    let didRun = false;
    const first = queue.run('a', () => delay(clock, 10));
    const aborted = queue.run(
      'a',
      () => {
        didRun = true;
        return Promise.resolve();
      },
      { signal: controller.signal },
    );
    expect(queue.pending('a')).toBe(2);
    controller.abort(new Error('caller gave up'));
    await expect(aborted).rejects.toMatchObject({ code: 'ABORTED' });
    expect(queue.pending('a')).toBe(1);
    await clock.runAllAsync();
    await first;
    expect(didRun).toBe(false);
    expect(queue.size).toBe(0);
    await expect(
      queue.run('a', () => Promise.resolve(), { signal: controller.signal }),
    ).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });

  it('passes the caller signal to the task', async () => {
    const queue = createKeyedQueue();
    const controller = new AbortController();
    const seen = await queue.run('a', (signal) => Promise.resolve(signal), { signal: controller.signal });
    expect(seen).toBe(controller.signal);
  });

  it('resolves onIdle once every key is idle', async () => {
    const clock = createManualClock(0);
    const queue = createKeyedQueue();
    await queue.onIdle();
    let isIdle = false;
    void queue.run('a', () => delay(clock, 10));
    void queue.run('b', () => delay(clock, 20));
    const idle = queue.onIdle().then(() => {
      isIdle = true;
    });
    await clock.advanceAsync(10);
    expect(isIdle).toBe(false);
    await clock.advanceAsync(10);
    await idle;
    expect(isIdle).toBe(true);
  });

  it('rejects invalid options naming the field', () => {
    expect(() => createKeyedQueue({ maxQueuedPerKey: -1 })).toThrow(/maxQueuedPerKey/);
  });

  it('property: per key FIFO, never two at once per key, map empty when idle', async () => {
    const taskArbitrary = fc.record({
      key: fc.constantFrom('a', 'b', 'c'),
      durationMs: fc.integer({ min: 0, max: 50 }),
      submitAtMs: fc.integer({ min: 0, max: 100 }),
      shouldFail: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(taskArbitrary, { minLength: 1, maxLength: 40 }), async (tasks) => {
        const clock = createManualClock(0);
        const queue = createKeyedQueue({ maxQueuedPerKey: 1_000 });
        const running = new Map<string, number>();
        const started: Array<{ key: string; index: number }> = [];
        let maxPerKey = 0;
        let maxOverall = 0;
        const submitted: Array<{ key: string; index: number }> = [];
        const settled: Array<Promise<unknown>> = [];
        const order = tasks
          .map((task, index) => ({ ...task, index }))
          .sort((x, y) => x.submitAtMs - y.submitAtMs);
        for (const task of order) {
          clock.setTimeout(() => {
            submitted.push({ key: task.key, index: task.index });
            const result = queue.run(task.key, async () => {
              const now = (running.get(task.key) ?? 0) + 1;
              running.set(task.key, now);
              maxPerKey = Math.max(maxPerKey, now);
              maxOverall = Math.max(
                maxOverall,
                [...running.values()].reduce((sum, count) => sum + count, 0),
              );
              started.push({ key: task.key, index: task.index });
              await delay(clock, task.durationMs);
              running.set(task.key, (running.get(task.key) ?? 1) - 1);
              if (task.shouldFail) throw new Error(`task ${task.index} failed`);
              return task.index;
            });
            settled.push(result.catch(() => undefined));
          }, task.submitAtMs);
        }
        await clock.runAllAsync();
        await Promise.all(settled);
        expect(maxPerKey).toBe(1);
        expect(maxOverall).toBeLessThanOrEqual(3);
        for (const key of ['a', 'b', 'c']) {
          const submittedOrder = submitted.filter((entry) => entry.key === key).map((entry) => entry.index);
          const startedOrder = started.filter((entry) => entry.key === key).map((entry) => entry.index);
          expect(startedOrder).toEqual(submittedOrder);
        }
        expect(started).toHaveLength(tasks.length);
        expect(queue.size).toBe(0);
        for (const key of ['a', 'b', 'c']) expect(queue.pending(key)).toBe(0);
      }),
      { numRuns: 150 },
    );
  });
});
