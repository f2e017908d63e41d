import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { BotkeelError } from '../errors/botkeel-error.js';
import { type DebounceBatch, type DebounceStore, type DebounceWindow } from './debounce-store.js';

/** Options of {@link debounceStoreConformance}. */
export interface DebounceStoreConformanceOptions {
  /** Appended to the suite's title, e.g. `'redis'`. */
  name?: string;
  /** Called after every test with the store it used: delete its keys, close what `makeStore` opened. */
  cleanup?: (store: DebounceStore) => Promise<void> | void;
  /**
   * Builds a store whose backend cannot be reached (e.g. a client for a closed port with the offline
   * queue off). When given, the suite checks that every call rejects with `STORE_UNAVAILABLE`.
   */
  makeUnavailableStore?: () => DebounceStore | Promise<DebounceStore>;
}

const startMs = 1_767_225_600_000;
const window: DebounceWindow = { quietMs: 1_000, maxWaitMs: 5_000, maxItems: 10 };
const leaseMs = 10_000;

/** `startMs + offsetMs`: every test speaks in offsets from one fixed, realistic epoch time. */
const at = (offsetMs: number): number => startMs + offsetMs;

/** A fresh key per test, so stores sharing a backend do not see each other's leftovers. */
const freshKey = (label: string): string => `chat:${label}:${randomUUID()}`;

const claim = (store: DebounceStore, nowMs: number, limit = 100, dueBeforeMs?: number) =>
  store.claimDue(
    dueBeforeMs === undefined ? { nowMs, leaseMs, limit } : { nowMs, leaseMs, limit, dueBeforeMs },
  );

const only = (batches: DebounceBatch[]): DebounceBatch => {
  expect(batches).toHaveLength(1);
  return batches[0] as DebounceBatch;
};

/**
 * The contract of {@link DebounceStore}, as vitest tests. Every implementation runs it with a
 * one-line caller. `makeStore` must return an EMPTY store (e.g. a fresh key prefix) each time; time
 * is passed to every call as `nowMs`, so no clock is needed and a Redis or SQL store can take the
 * caller's time as an argument.
 *
 * @param makeStore - Builds an empty store for one test.
 * @example
 * ```ts
 * import { debounceStoreConformance } from '@botkeel/core/testing';
 * debounceStoreConformance(() => new RedisDebounceStore({ client, keyPrefix: `test:${randomUUID()}` }), {
 *   name: 'redis',
 * });
 * ```
 */
export function debounceStoreConformance(
  makeStore: () => DebounceStore | Promise<DebounceStore>,
  options: DebounceStoreConformanceOptions = {},
): void {
  const title =
    options.name === undefined ? 'DebounceStore conformance' : `DebounceStore conformance (${options.name})`;
  describe(title, () => {
    const made: DebounceStore[] = [];
    const newStore = async (): Promise<DebounceStore> => {
      const store = await makeStore();
      made.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of made.splice(0)) await options.cleanup?.(store);
    });

    describe('due times', () => {
      it('reports the burst size and a due time of the last item + quietMs', async () => {
        const store = await newStore();
        const key = freshKey('quiet');
        expect(await store.push(key, 'a', window, at(0))).toEqual({ count: 1, dueAtMs: at(1_000) });
        expect(await store.push(key, 'b', window, at(400))).toEqual({ count: 2, dueAtMs: at(1_400) });
        expect(await store.push(key, 'c', window, at(900))).toEqual({ count: 3, dueAtMs: at(1_900) });
      });

      it('caps the due time at maxWaitMs after the first item', async () => {
        const store = await newStore();
        const key = freshKey('max-wait');
        let last = { count: 0, dueAtMs: 0 };
        for (let offset = 0; offset <= 4_500; offset += 900)
          last = await store.push(key, `${offset}`, window, at(offset));
        expect(last).toEqual({ count: 6, dueAtMs: at(5_000) });
      });

      it('makes a burst due at once when it reaches maxItems; later items still join it', async () => {
        const store = await newStore();
        const key = freshKey('max-items');
        const small = { ...window, maxItems: 3 };
        await store.push(key, 'a', small, at(0));
        await store.push(key, 'b', small, at(10));
        expect(await store.push(key, 'c', small, at(20))).toEqual({ count: 3, dueAtMs: at(20) });
        expect(await store.push(key, 'd', small, at(30))).toEqual({ count: 4, dueAtMs: at(20) });
        expect(only(await claim(store, at(30))).items).toEqual(['a', 'b', 'c', 'd']);
      });

      it('lets an unclaimed burst keep collecting after its due time, bounded by maxWaitMs', async () => {
        const store = await newStore();
        const key = freshKey('late');
        await store.push(key, 'a', window, at(0));
        expect(await store.push(key, 'b', window, at(3_000))).toEqual({ count: 2, dueAtMs: at(4_000) });
        expect(await store.push(key, 'c', window, at(4_500))).toEqual({ count: 3, dueAtMs: at(5_000) });
      });
    });

    describe('claiming', () => {
      it('claims nothing before the due time, then the whole burst in push order', async () => {
        const store = await newStore();
        const key = freshKey('burst');
        for (const [index, item] of ['a', 'b', 'c'].entries())
          await store.push(key, item, window, at(index * 100));
        expect(await claim(store, at(1_199))).toEqual([]);
        const batch = only(await claim(store, at(1_200)));
        expect(batch).toMatchObject({ key, items: ['a', 'b', 'c'], dueAtMs: at(1_200), deliveries: 1 });
        expect(typeof batch.batchId).toBe('string');
        expect(batch.batchId.length).toBeGreaterThan(0);
        expect(await claim(store, at(1_200))).toEqual([]);
      });

      it('returns due keys earliest first and honours the limit', async () => {
        const store = await newStore();
        const keys = [freshKey('first'), freshKey('second'), freshKey('third')];
        for (const [index, key] of keys.entries()) await store.push(key, 'x', window, at(index * 10));
        expect((await claim(store, at(2_000), 2)).map((batch) => batch.key)).toEqual(keys.slice(0, 2));
        expect((await claim(store, at(2_000), 2)).map((batch) => batch.key)).toEqual(keys.slice(2));
      });

      it('does not count keys whose batch is still claimed against the limit', async () => {
        const store = await newStore();
        const busy = freshKey('busy');
        const idle = freshKey('idle');
        await store.push(busy, 'a', window, at(0));
        only(await claim(store, at(1_000)));
        await store.push(busy, 'b', window, at(1_000));
        await store.push(idle, 'c', window, at(1_500));
        const batch = only(await claim(store, at(3_000), 1));
        expect(batch).toMatchObject({ key: idle, items: ['c'] });
      });

      it('never hands one batch to two concurrent claimers', async () => {
        const store = await newStore();
        const keys = Array.from({ length: 20 }, (_, index) => freshKey(`race-${index}`));
        for (const [index, key] of keys.entries()) {
          for (let item = 0; item <= index % 3; item += 1)
            await store.push(key, `${index}.${item}`, window, at(0));
        }
        const rounds = await Promise.all(Array.from({ length: 8 }, () => claim(store, at(1_000), 5)));
        const batches = rounds.flat();
        expect(batches.map((batch) => batch.key).sort()).toEqual([...keys].sort());
        expect(new Set(batches.map((batch) => batch.batchId)).size).toBe(keys.length);
        for (const batch of batches) {
          const index = keys.indexOf(batch.key);
          expect(batch.items).toEqual(
            Array.from({ length: (index % 3) + 1 }, (_, item) => `${index}.${item}`),
          );
        }
      });

      it('hands a batch whose lease expired to exactly one of many concurrent claimers', async () => {
        const store = await newStore();
        const key = freshKey('expired-race');
        await store.push(key, 'a', window, at(0));
        const first = only(await claim(store, at(1_000)));
        const rounds = await Promise.all(Array.from({ length: 10 }, () => claim(store, at(1_000 + leaseMs))));
        expect(only(rounds.flat())).toEqual({ ...first, deliveries: 2 });
      });

      it('loses no item when pushes race with claims and acks', async () => {
        const store = await newStore();
        const key = freshKey('push-claim-race');
        const tiny = { quietMs: 1, maxWaitMs: 1, maxItems: 1_000 };
        const delivered: string[] = [];
        const drainAt = async (nowMs: number): Promise<void> => {
          for (const batch of await store.claimDue({ nowMs, leaseMs, limit: 10 })) {
            delivered.push(...batch.items);
            await store.ack(batch.key, batch.batchId);
          }
        };
        for (let round = 0; round < 30; round += 1) {
          const nowMs = at(round * 10);
          await Promise.all([
            store.push(key, `${round}.a`, tiny, nowMs),
            drainAt(nowMs + 5),
            store.push(key, `${round}.b`, tiny, nowMs),
          ]);
        }
        await drainAt(at(1_000));
        await drainAt(at(2_000));
        expect(delivered).toEqual(
          Array.from({ length: 30 }, (_, round) => [`${round}.a`, `${round}.b`]).flat(),
        );
      });

      it('keeps every one of many concurrent pushes to one key, in the order the store took them', async () => {
        const store = await newStore();
        const key = freshKey('concurrent');
        const wide = { ...window, maxItems: 1_000 };
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, index) => store.push(key, `item-${index}`, wide, at(0))),
        );
        expect(results.map((result) => result.count).sort((a, b) => a - b)).toEqual(
          Array.from({ length: 50 }, (_, index) => index + 1),
        );
        const byCount: string[] = [];
        for (const [index, result] of results.entries()) byCount[result.count - 1] = `item-${index}`;
        expect(only(await claim(store, at(1_000))).items).toEqual(byCount);
      });

      it('claims pending bursts early with dueBeforeMs but leaves live leases alone', async () => {
        const store = await newStore();
        const busy = freshKey('busy');
        const early = [freshKey('early-1'), freshKey('early-2')];
        await store.push(busy, 'a', window, at(0));
        const held = only(await claim(store, at(1_000)));
        await store.push(busy, 'b', window, at(1_100));
        await store.push(early[0]!, 'c', window, at(1_200));
        await store.push(early[1]!, 'd', window, at(1_300));
        const batches = await claim(store, at(1_400), 2, Number.MAX_SAFE_INTEGER);
        expect(batches.map((batch) => batch.key)).toEqual(early);
        expect(batches.map((batch) => batch.items)).toEqual([['c'], ['d']]);
        expect(await claim(store, at(1_400), 10, Number.MAX_SAFE_INTEGER)).toEqual([]);
        await store.ack(busy, held.batchId);
        expect(only(await claim(store, at(1_400), 10, Number.MAX_SAFE_INTEGER)).items).toEqual(['b']);
      });
    });

    describe('leases', () => {
      it('does not hand a claimed batch out again while its lease is alive', async () => {
        const store = await newStore();
        const key = freshKey('alive');
        await store.push(key, 'a', window, at(0));
        only(await claim(store, at(1_000)));
        expect(await claim(store, at(1_000 + leaseMs - 1))).toEqual([]);
      });

      it('delivers a batch whose lease expired again, with the same id and items', async () => {
        const store = await newStore();
        const key = freshKey('expired');
        await store.push(key, 'a', window, at(0));
        await store.push(key, 'b', window, at(10));
        const first = only(await claim(store, at(1_010)));
        const again = only(await claim(store, at(1_010 + leaseMs)));
        expect(again).toEqual({ ...first, deliveries: 2 });
        const third = only(await claim(store, at(1_010 + 2 * leaseMs), 10, Number.MAX_SAFE_INTEGER));
        expect(third).toEqual({ ...first, deliveries: 3 });
      });

      it('extendLease moves the lease end, later or sooner, and reports a lost batch', async () => {
        const store = await newStore();
        const key = freshKey('extend');
        await store.push(key, 'a', window, at(0));
        const batch = only(await claim(store, at(1_000)));
        expect(await store.extendLease(key, batch.batchId, leaseMs, at(5_000))).toBe(true);
        expect(await claim(store, at(1_000 + leaseMs))).toEqual([]);
        expect(await store.extendLease(key, batch.batchId, 500, at(12_000))).toBe(true);
        expect(await claim(store, at(12_499))).toEqual([]);
        expect(only(await claim(store, at(12_500)))).toEqual({ ...batch, deliveries: 2 });
        expect(await store.extendLease(key, 'not-a-batch', leaseMs, at(12_500))).toBe(false);
        await store.ack(key, batch.batchId);
        expect(await store.extendLease(key, batch.batchId, leaseMs, at(12_600))).toBe(false);
      });

      it('removes a batch on ack and ignores an ack with a stale id', async () => {
        const store = await newStore();
        const key = freshKey('ack');
        await store.push(key, 'a', window, at(0));
        const batch = only(await claim(store, at(1_000)));
        await store.ack(key, 'stale-batch-id');
        await store.ack(freshKey('other'), batch.batchId);
        expect(only(await claim(store, at(1_000 + leaseMs))).batchId).toBe(batch.batchId);
        await store.ack(key, batch.batchId);
        expect(await claim(store, at(1_000 + 3 * leaseMs))).toEqual([]);
        expect(await store.nextDueAt()).toBeUndefined();
      });
    });

    describe('push ids', () => {
      it('adds an item pushed twice with one id once to the pending burst', async () => {
        const store = await newStore();
        const key = freshKey('push-id');
        expect(await store.push(key, 'a', window, at(0), 'update-1')).toEqual({
          count: 1,
          dueAtMs: at(1_000),
        });
        expect(await store.push(key, 'b', window, at(100), 'update-2')).toEqual({
          count: 2,
          dueAtMs: at(1_100),
        });
        expect(await store.push(key, 'a', window, at(200), 'update-1')).toEqual({
          count: 1,
          dueAtMs: at(1_100),
        });
        expect(await store.push(key, 'c', window, at(300))).toEqual({ count: 3, dueAtMs: at(1_300) });
        expect(only(await claim(store, at(1_300))).items).toEqual(['a', 'b', 'c']);
      });

      it('ignores an id of the claimed batch until it is acked, then accepts it as new', async () => {
        const store = await newStore();
        const key = freshKey('push-id-claimed');
        await store.push(key, 'a', window, at(0), 'update-1');
        const first = only(await claim(store, at(1_000)));
        expect(await store.push(key, 'a', window, at(2_000), 'update-1')).toEqual({
          count: 1,
          dueAtMs: at(1_000),
        });
        expect(await store.push(key, 'b', window, at(2_000), 'update-2')).toEqual({
          count: 1,
          dueAtMs: at(3_000),
        });
        expect(only(await claim(store, at(1_000 + leaseMs))).items).toEqual(['a']);
        await store.ack(key, first.batchId);
        expect(only(await claim(store, at(1_000 + leaseMs))).items).toEqual(['b']);
        expect(await store.push(key, 'a', window, at(20_000), 'update-1')).toEqual({
          count: 1,
          dueAtMs: at(21_000),
        });
      });

      it('keeps ids per key', async () => {
        const store = await newStore();
        const one = freshKey('push-id-one');
        const two = freshKey('push-id-two');
        await store.push(one, 'a', window, at(0), 'update-1');
        expect(await store.push(two, 'a', window, at(0), 'update-1')).toEqual({
          count: 1,
          dueAtMs: at(1_000),
        });
        expect(await claim(store, at(1_000))).toHaveLength(2);
      });
    });

    describe('bursts during a claimed batch', () => {
      it('collects items pushed while a batch is claimed into the next batch', async () => {
        const store = await newStore();
        const key = freshKey('next');
        await store.push(key, 'a', window, at(0));
        await store.push(key, 'b', window, at(100));
        const first = only(await claim(store, at(1_100)));
        expect(await store.push(key, 'c', window, at(2_000))).toEqual({ count: 1, dueAtMs: at(3_000) });
        expect(await store.push(key, 'd', window, at(2_500))).toEqual({ count: 2, dueAtMs: at(3_500) });
        expect(await claim(store, at(4_000))).toEqual([]);
        await store.ack(key, first.batchId);
        const second = only(await claim(store, at(4_000)));
        expect(second).toMatchObject({ key, items: ['c', 'd'], deliveries: 1, dueAtMs: at(3_500) });
        expect(second.batchId).not.toBe(first.batchId);
      });

      it('delivers an expired batch again before the newer burst of its key', async () => {
        const store = await newStore();
        const key = freshKey('order');
        await store.push(key, 'a', window, at(0));
        const first = only(await claim(store, at(1_000)));
        await store.push(key, 'b', window, at(1_500));
        const again = only(await claim(store, at(1_000 + leaseMs)));
        expect(again).toMatchObject({ batchId: first.batchId, items: ['a'], deliveries: 2 });
        await store.ack(key, first.batchId);
        expect(only(await claim(store, at(1_000 + leaseMs)))).toMatchObject({ items: ['b'], deliveries: 1 });
      });

      it('gives every batch a new id, also for later bursts of one key after an ack', async () => {
        const store = await newStore();
        const key = freshKey('ids');
        const ids = new Set<string>();
        for (let round = 0; round < 5; round += 1) {
          await store.push(key, `item-${round}`, window, at(round * 10_000));
          const batch = only(await claim(store, at(round * 10_000 + 1_000)));
          expect(batch.items).toEqual([`item-${round}`]);
          ids.add(batch.batchId);
          await store.ack(key, batch.batchId);
        }
        expect(ids.size).toBe(5);
      });
    });

    describe('nextDueAt', () => {
      it('is undefined for an empty store and the earliest due time otherwise', async () => {
        const store = await newStore();
        expect(await store.nextDueAt()).toBeUndefined();
        const early = freshKey('early');
        const late = freshKey('late');
        await store.push(early, 'a', window, at(0));
        await store.push(late, 'b', window, at(100));
        expect(await store.nextDueAt()).toBe(at(1_000));
        const first = only(await claim(store, at(1_000), 1));
        expect(first.key).toBe(early);
        expect(await store.nextDueAt()).toBe(at(1_100));
        const second = only(await claim(store, at(1_100)));
        expect(await store.nextDueAt()).toBe(at(1_000 + leaseMs));
        await store.ack(early, first.batchId);
        expect(await store.nextDueAt()).toBe(at(1_100 + leaseMs));
        await store.ack(late, second.batchId);
        expect(await store.nextDueAt()).toBeUndefined();
      });

      it('never points past the lease end of a batch whose key has a newer burst waiting', async () => {
        const store = await newStore();
        const key = freshKey('blocked');
        await store.push(key, 'a', window, at(0));
        const batch = only(await claim(store, at(1_000)));
        await store.push(key, 'b', window, at(1_100));
        const next = await store.nextDueAt();
        expect(next).toBeDefined();
        expect(next!).toBeLessThanOrEqual(at(1_000 + leaseMs));
        await store.ack(key, batch.batchId);
        expect(await store.nextDueAt()).toBe(at(2_100));
      });
    });

    describe('data', () => {
      it('stores keys and items exactly as given', async () => {
        const store = await newStore();
        const items = [
          '',
          'ünïcødé 🚀',
          '{"json":[1,2]}',
          'line\nbreak\ttab',
          '<script>',
          'x'.repeat(20_000),
        ];
        const keys = ['chat:{42}', 'with space', 'ключ', '*?[]\\'].map(
          (prefix) => `${prefix}:${randomUUID()}`,
        );
        for (const key of keys) for (const item of items) await store.push(key, item, window, at(0));
        const batches = await claim(store, at(1_000));
        expect(batches.map((batch) => batch.key).sort()).toEqual([...keys].sort());
        for (const batch of batches) expect(batch.items).toEqual(items);
      });

      it('keeps keys independent', async () => {
        const store = await newStore();
        const one = freshKey('one');
        const two = freshKey('two');
        await store.push(one, 'a', window, at(0));
        await store.push(two, 'b', window, at(0));
        const [first, second] = await claim(store, at(1_000));
        expect([first?.items, second?.items].sort()).toEqual([['a'], ['b']]);
        const oneBatch = first?.key === one ? first : second;
        await store.ack(one, oneBatch!.batchId);
        const again = only(await claim(store, at(1_000 + leaseMs)));
        expect(again).toMatchObject({ key: two, items: ['b'], deliveries: 2 });
      });
    });

    const makeUnavailableStore = options.makeUnavailableStore;
    it.skipIf(makeUnavailableStore === undefined)(
      'rejects every call with STORE_UNAVAILABLE when the backend is unreachable (skipped without makeUnavailableStore)',
      async () => {
        if (makeUnavailableStore === undefined) throw new Error('unreachable: the test is skipped');
        const store = await makeUnavailableStore();
        const key = freshKey('down');
        const calls: (() => Promise<unknown>)[] = [
          () => store.push(key, 'a', window, at(0)),
          () => claim(store, at(0)),
          () => store.ack(key, 'batch'),
          () => store.extendLease(key, 'batch', leaseMs, at(0)),
          () => store.nextDueAt(),
        ];
        for (const call of calls) {
          const error: unknown = await call().then(
            () => undefined,
            (reason: unknown) => reason,
          );
          expect(BotkeelError.hasCode(error, 'STORE_UNAVAILABLE')).toBe(true);
        }
      },
    );
  });
}
