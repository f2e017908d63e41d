import {
  BotkeelError,
  type DebounceStore,
  type DebouncerOptions,
  MemoryDebounceStore,
  createDebouncer,
} from '@botkeel/core';
import { type ManualClock, createManualClock } from '@botkeel/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type Delivery, crashable, deferred, recording, sleep } from './harness.js';

const quietMs = 1_000;
const maxWaitMs = 5_000;
const leaseMs = 30_000;

interface Setup {
  clock: ManualClock;
  store: DebounceStore;
  deliveries: Delivery[];
}

const stoppers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const stop of stoppers.splice(0)) await stop();
});

function setup(): Setup {
  return { clock: createManualClock(0), store: new MemoryDebounceStore(), deliveries: [] };
}

function debouncer(
  { clock, store, deliveries }: Setup,
  instance = 'a',
  overrides: Partial<DebouncerOptions<string>> = {},
) {
  const created = createDebouncer<string>({
    store,
    clock,
    quietMs,
    maxWaitMs,
    maxItems: 10,
    leaseMs,
    pollMs: 10_000,
    onFlush: recording(deliveries, clock, instance),
    ...overrides,
  });
  stoppers.push(() => created.stop({ signal: AbortSignal.abort() }));
  return created;
}

const itemsOf = (deliveries: Delivery[]) => deliveries.map((delivery) => delivery.items);

describe('createDebouncer', () => {
  it('flushes a burst of 3 once, with all 3 in push order, when the key has been quiet', async () => {
    const context = setup();
    const bot = debouncer(context);
    bot.start();
    await bot.push('chat-1', 'hello');
    await context.clock.advanceAsync(400);
    await bot.push('chat-1', 'I want');
    await context.clock.advanceAsync(400);
    expect(await bot.push('chat-1', 'a bike')).toEqual({ count: 3, dueAtMs: 1_800 });
    await context.clock.advanceAsync(999);
    expect(context.deliveries).toEqual([]);
    await context.clock.advanceAsync(1);
    expect(itemsOf(context.deliveries)).toEqual([['hello', 'I want', 'a bike']]);
    expect(context.deliveries[0]).toMatchObject({ key: 'chat-1', deliveries: 1, startedAtMs: 1_800 });
    await context.clock.advanceAsync(10 * leaseMs);
    expect(context.deliveries).toHaveLength(1);
    expect(await context.store.nextDueAt()).toBeUndefined();
  });

  it('flushes maxWaitMs after the first item of a burst that never goes quiet', async () => {
    const context = setup();
    const bot = debouncer(context);
    bot.start();
    for (let index = 0; index < 8; index += 1) {
      await bot.push('chat-1', `m${index}`);
      await context.clock.advanceAsync(800);
    }
    // Pushed at 0, 800, …, 4_800 before the flush at 5_000; 5_600 went after it.
    const firstBurst = ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6'];
    expect(itemsOf(context.deliveries)).toEqual([firstBurst]);
    expect(context.deliveries[0]?.startedAtMs).toBe(5_000);
    await context.clock.advanceAsync(quietMs);
    expect(itemsOf(context.deliveries)).toEqual([firstBurst, ['m7']]);
    expect(context.deliveries[1]?.startedAtMs).toBe(6_600);
  });

  it('flushes at once when a burst reaches maxItems', async () => {
    const context = setup();
    const bot = debouncer(context, 'a', { maxItems: 3 });
    bot.start();
    for (const item of ['a', 'b', 'c']) await bot.push('chat-1', item);
    await context.clock.advanceAsync(0);
    expect(itemsOf(context.deliveries)).toEqual([['a', 'b', 'c']]);
    expect(context.deliveries[0]?.startedAtMs).toBe(0);
  });

  it('keeps items that arrive during a running flush for the next batch, started after the first ends', async () => {
    const context = setup();
    const turn = deferred();
    let calls = 0;
    const bot = debouncer(context, 'a', {
      onFlush: recording(context.deliveries, context.clock, 'a', async () => {
        calls += 1;
        if (calls === 1) await turn.promise;
      }),
    });
    bot.start();
    await bot.push('chat-1', 'first');
    await context.clock.advanceAsync(quietMs);
    expect(itemsOf(context.deliveries)).toEqual([['first']]);
    await bot.push('chat-1', 'second');
    await bot.push('chat-1', 'third');
    await context.clock.advanceAsync(3 * quietMs);
    expect(context.deliveries).toHaveLength(1);
    turn.resolve();
    await context.clock.advanceAsync(0);
    expect(itemsOf(context.deliveries)).toEqual([['first'], ['second', 'third']]);
    const [first, second] = context.deliveries;
    expect(second!.batchId).not.toBe(first!.batchId);
    expect(second!.startedAtMs).toBeGreaterThanOrEqual(first!.endedAtMs!);
  });

  it('keeps the lease of a flush that runs longer than leaseMs, so nobody else delivers it', async () => {
    const context = setup();
    // concurrency 1: while busy, `slow` claims nothing, so only its lease renewals keep the batch.
    const slow = debouncer(context, 'slow', {
      concurrency: 1,
      onFlush: recording(context.deliveries, context.clock, 'slow', () => sleep(context.clock, 4 * leaseMs)),
    });
    slow.start();
    await slow.push('chat-1', 'x');
    await context.clock.advanceAsync(quietMs);
    const other = debouncer(context, 'other');
    other.start();
    await context.clock.advanceAsync(5 * leaseMs);
    expect(context.deliveries.map((delivery) => delivery.instance)).toEqual(['slow']);
    expect(context.deliveries[0]?.endedAtMs).toBe(quietMs + 4 * leaseMs);
    expect(await context.store.nextDueAt()).toBeUndefined();
  });

  it('redelivers the same batch from another instance after a crashed instance lease expires', async () => {
    const context = setup();
    const crashing = crashable(context.store);
    const hang = deferred();
    const doomed = debouncer({ ...context, store: crashing }, 'doomed', {
      onFlush: recording(context.deliveries, context.clock, 'doomed', () => hang.promise),
    });
    doomed.start();
    await doomed.push('chat-1', 'a');
    await doomed.push('chat-1', 'b');
    await context.clock.advanceAsync(quietMs);
    expect(context.deliveries.map((delivery) => delivery.instance)).toEqual(['doomed']);
    crashing.crash();
    const survivor = debouncer(context, 'survivor');
    survivor.start();
    await context.clock.advanceAsync(leaseMs - 1);
    expect(context.deliveries).toHaveLength(1);
    await context.clock.advanceAsync(10_000);
    expect(context.deliveries).toHaveLength(2);
    const [lost, redelivered] = context.deliveries;
    expect(redelivered).toMatchObject({
      instance: 'survivor',
      batchId: lost!.batchId,
      items: ['a', 'b'],
      deliveries: 2,
    });
    expect(await context.store.nextDueAt()).toBeUndefined();
  });

  it('flushes each burst exactly once when two instances share one store', async () => {
    const context = setup();
    const first = debouncer(context, 'first');
    const second = debouncer(context, 'second');
    first.start();
    second.start();
    for (let round = 0; round < 3; round += 1) {
      for (const chat of ['chat-1', 'chat-2', 'chat-3']) {
        await first.push(chat, `${chat}/${round}/a`);
        await second.push(chat, `${chat}/${round}/b`);
        await first.push(chat, `${chat}/${round}/c`);
      }
      await context.clock.advanceAsync(2 * quietMs);
    }
    expect(context.deliveries).toHaveLength(9);
    for (const chat of ['chat-1', 'chat-2', 'chat-3']) {
      const batches = context.deliveries
        .filter((delivery) => delivery.key === chat)
        .map((delivery) => delivery.items);
      expect(batches).toEqual(
        [0, 1, 2].map((round) => ['a', 'b', 'c'].map((part) => `${chat}/${round}/${part}`)),
      );
    }
    expect(new Set(context.deliveries.map((delivery) => delivery.batchId)).size).toBe(9);
  });

  it('redelivers a failed batch after the retry delay, then dead-letters it after maxDeliveries', async () => {
    const context = setup();
    const deadLetters: { key: string; items: readonly string[]; batchId: string; error: unknown }[] = [];
    const bot = debouncer(context, 'a', {
      maxDeliveries: 3,
      retryDelayMs: 1_000,
      onFlush: recording(context.deliveries, context.clock, 'a', () => {
        throw new Error('LLM down');
      }),
      onDeadLetter: (key, items, info) => {
        deadLetters.push({ key, items, batchId: info.batchId, error: info.error });
      },
    });
    bot.start();
    await bot.push('chat-1', 'help');
    await context.clock.advanceAsync(quietMs);
    await context.clock.advanceAsync(999);
    expect(context.deliveries).toHaveLength(1);
    await context.clock.advanceAsync(1);
    expect(context.deliveries).toHaveLength(2);
    await context.clock.advanceAsync(2_000);
    expect(context.deliveries.map((delivery) => [delivery.deliveries, delivery.startedAtMs])).toEqual([
      [1, 1_000],
      [2, 2_000],
      [3, 4_000],
    ]);
    expect(new Set(context.deliveries.map((delivery) => delivery.batchId)).size).toBe(1);
    expect(deadLetters).toEqual([
      {
        key: 'chat-1',
        items: ['"help"'],
        batchId: context.deliveries[0]!.batchId,
        error: new Error('LLM down'),
      },
    ]);
    expect(await context.store.nextDueAt()).toBeUndefined();
  });

  it('stop({ drain: true }) flushes every pending burst at once and refuses new items', async () => {
    const context = setup();
    const bot = debouncer(context);
    bot.start();
    await bot.push('chat-1', 'a');
    await bot.push('chat-2', 'b');
    await bot.push('chat-1', 'c');
    await bot.stop({ drain: true });
    expect(context.clock.now()).toBe(0);
    expect(itemsOf(context.deliveries).sort()).toEqual([['a', 'c'], ['b']]);
    expect(await context.store.nextDueAt()).toBeUndefined();
    const refused: unknown = await bot.push('chat-1', 'late').catch((error: unknown) => error);
    expect(BotkeelError.hasCode(refused, 'DRAINING')).toBe(true);
  });

  it('stop({ drain: true }) also flushes what arrived during a running flush of the same key', async () => {
    const context = setup();
    const turn = deferred();
    let calls = 0;
    const bot = debouncer(context, 'a', {
      onFlush: recording(context.deliveries, context.clock, 'a', async () => {
        calls += 1;
        if (calls === 1) await turn.promise;
      }),
    });
    bot.start();
    await bot.push('chat-1', 'first');
    await context.clock.advanceAsync(quietMs);
    await bot.push('chat-1', 'second');
    const stopped = bot.stop({ drain: true });
    await context.clock.advanceAsync(0);
    turn.resolve();
    await stopped;
    expect(itemsOf(context.deliveries)).toEqual([['first'], ['second']]);
    expect(await context.store.nextDueAt()).toBeUndefined();
  });

  it('stop({ drain: false }) leaves pending bursts in the store for another instance', async () => {
    const context = setup();
    const leaving = debouncer(context, 'leaving');
    leaving.start();
    await leaving.push('chat-1', 'a');
    await leaving.push('chat-1', 'b');
    await leaving.stop({ drain: false });
    await context.clock.advanceAsync(5 * quietMs);
    expect(context.deliveries).toEqual([]);
    expect(await context.store.nextDueAt()).toBe(quietMs);
    const staying = debouncer(context, 'staying');
    staying.start();
    await context.clock.advanceAsync(0);
    expect(context.deliveries).toMatchObject([{ instance: 'staying', items: ['a', 'b'] }]);
  });

  it('stop({ drain: false }) waits for a running flush and acks it', async () => {
    const context = setup();
    const bot = debouncer(context, 'a', {
      onFlush: recording(context.deliveries, context.clock, 'a', () => sleep(context.clock, 2_000)),
    });
    bot.start();
    await bot.push('chat-1', 'a');
    await context.clock.advanceAsync(quietMs);
    let isStopped = false;
    const stopped = bot.stop().then(() => {
      isStopped = true;
    });
    await context.clock.advanceAsync(1_999);
    expect(isStopped).toBe(false);
    await context.clock.advanceAsync(1);
    await stopped;
    expect(context.deliveries[0]?.endedAtMs).toBe(3_000);
    expect(await context.store.nextDueAt()).toBeUndefined();
  });

  it('stop with an aborted signal aborts running flushes and lets their leases run out', async () => {
    const context = setup();
    const seen: unknown[] = [];
    const bot = debouncer(context, 'a', {
      onFlush: recording(context.deliveries, context.clock, 'a', (_delivery, info) => {
        return new Promise<void>((_resolve, reject) => {
          info.signal.addEventListener('abort', () => {
            seen.push(info.signal.reason);
            reject(info.signal.reason as Error);
          });
        });
      }),
    });
    bot.start();
    await bot.push('chat-1', 'a');
    await context.clock.advanceAsync(quietMs);
    await bot.stop({ signal: AbortSignal.abort() });
    await context.clock.advanceAsync(0);
    expect(seen).toHaveLength(1);
    const other = debouncer(context, 'other');
    other.start();
    await context.clock.advanceAsync(leaseMs);
    expect(context.deliveries.map((delivery) => [delivery.instance, delivery.deliveries])).toEqual([
      ['a', 1],
      ['other', 2],
    ]);
  });

  it('stop() right after start() waits for the claim in flight and the flush it started', async () => {
    const context = setup();
    await context.store.push('chat-1', '"early"', { quietMs, maxWaitMs, maxItems: 10 }, 0);
    await context.clock.advanceAsync(quietMs);
    const bot = debouncer(context, 'a', {
      onFlush: recording(context.deliveries, context.clock, 'a', () => sleep(context.clock, 100)),
    });
    bot.start();
    let isStopped = false;
    const stopped = bot.stop().then(() => {
      isStopped = true;
    });
    await context.clock.advanceAsync(99);
    expect(isStopped).toBe(false);
    await context.clock.advanceAsync(1);
    await stopped;
    expect(itemsOf(context.deliveries)).toEqual([['early']]);
    expect(await context.store.nextDueAt()).toBeUndefined();
  });

  it('an aborted stop() right after start() leaves a batch claimed in flight to its lease', async () => {
    const context = setup();
    await context.store.push('chat-1', '"early"', { quietMs, maxWaitMs, maxItems: 10 }, 0);
    await context.clock.advanceAsync(quietMs);
    const leaving = debouncer(context, 'leaving');
    leaving.start();
    await leaving.stop({ signal: AbortSignal.abort() });
    await context.clock.advanceAsync(0);
    expect(context.deliveries).toEqual([]);
    const staying = debouncer(context, 'staying');
    staying.start();
    await context.clock.advanceAsync(leaseMs);
    expect(context.deliveries).toMatchObject([{ instance: 'staying', items: ['early'], deliveries: 2 }]);
  });

  it('runs at most `concurrency` flushes at once and all of them eventually', async () => {
    const context = setup();
    let active = 0;
    let peak = 0;
    const bot = debouncer(context, 'a', {
      concurrency: 2,
      onFlush: recording(context.deliveries, context.clock, 'a', async () => {
        active += 1;
        peak = Math.max(peak, active);
        await sleep(context.clock, 500);
        active -= 1;
      }),
    });
    bot.start();
    for (let chat = 0; chat < 5; chat += 1) await bot.push(`chat-${chat}`, `m${chat}`);
    await context.clock.advanceAsync(quietMs + 2_000);
    expect(peak).toBe(2);
    expect(context.deliveries.map((delivery) => delivery.key).sort()).toEqual([
      'chat-0',
      'chat-1',
      'chat-2',
      'chat-3',
      'chat-4',
    ]);
  });

  it('frees a concurrency slot when the handler is done, without waiting for the ack', async () => {
    const context = setup();
    const inner = context.store;
    const acks = deferred<void>();
    const acked: string[] = [];
    // Every ack hangs until released: with concurrency 1, the second burst must still be flushed.
    context.store = {
      push: (key, item, window, nowMs) => inner.push(key, item, window, nowMs),
      claimDue: (options) => inner.claimDue(options),
      ack: async (key, batchId) => {
        await acks.promise;
        await inner.ack(key, batchId);
        acked.push(key);
      },
      extendLease: (key, batchId, ms, nowMs) => inner.extendLease(key, batchId, ms, nowMs),
      nextDueAt: () => inner.nextDueAt(),
    };
    const bot = debouncer(context, 'a', { concurrency: 1 });
    bot.start();
    await bot.push('chat-0', 'm0');
    await bot.push('chat-1', 'm1');
    await context.clock.advanceAsync(quietMs + 10);
    expect(context.deliveries.map((delivery) => delivery.key).sort()).toEqual(['chat-0', 'chat-1']);
    expect(acked).toEqual([]);
    acks.resolve();
    await bot.stop();
    expect(acked.sort()).toEqual(['chat-0', 'chat-1']);
  });

  it('cannot be started again after stop()', async () => {
    const context = setup();
    const bot = debouncer(context);
    bot.start();
    bot.start();
    await bot.stop();
    const error: unknown = (() => {
      try {
        bot.start();
        return undefined;
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(BotkeelError.hasCode(error, 'DRAINING')).toBe(true);
    expect(context.clock.pendingTimers()).toBe(0);
  });

  it('rejects invalid options with an error naming the field', () => {
    const context = setup();
    const make = (overrides: Partial<DebouncerOptions<string>>) => () => debouncer(context, 'a', overrides);
    expect(make({ maxWaitMs: 500 })).toThrow(/createDebouncer: maxWaitMs: must be at least quietMs/);
    expect(make({ quietMs: -1 })).toThrow(/quietMs/);
    expect(make({ maxItems: 0 })).toThrow(/maxItems/);
    expect(make({ store: {} as DebounceStore })).toThrow(/store: expected a DebounceStore/);
  });

  it('rejects a push it cannot serialize and one whose signal is aborted', async () => {
    const context = setup();
    const bot = createDebouncer<unknown>({
      store: context.store,
      clock: context.clock,
      quietMs,
      maxWaitMs,
      maxItems: 5,
      onFlush: () => undefined,
    });
    const badItem: unknown = await bot.push('chat-1', 10n).catch((error: unknown) => error);
    expect(BotkeelError.hasCode(badItem, 'INVALID_UPDATE')).toBe(true);
    const aborted: unknown = await bot
      .push('chat-1', 'x', { signal: AbortSignal.abort() })
      .catch((error: unknown) => error);
    expect(BotkeelError.hasCode(aborted, 'ABORTED')).toBe(true);
    expect(await context.store.nextDueAt()).toBeUndefined();
  });
});
