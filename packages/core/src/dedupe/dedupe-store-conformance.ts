import { describe, expect, it } from 'vitest';
import { BotkeelError } from '../errors/botkeel-error.js';
import { type DedupeStore } from './dedupe-store.js';
import {
  type StoreConformanceOptions,
  type StoreFactory,
  conformanceTime,
  countConcurrent,
  uniqueKey,
} from './store-conformance-options.js';

export {
  type StoreConformanceOptions,
  type StoreFactory,
  type StoreFactoryContext,
} from './store-conformance-options.js';

const longMs = 600_000;

/**
 * The suite every `DedupeStore` runs (memory here; Redis and Postgres in their packages).
 * Call it at the top level of a vitest file; it registers one `describe` block. Every test uses
 * fresh random keys, so a shared server and prefix are fine. See {@link StoreConformanceOptions}
 * for `time: 'manual'` (injected clock) versus `time: 'real'` (the backend keeps time).
 *
 * It checks: one `'claimed'` among 1,000 concurrent claims; a live lease answers `'in-progress'`;
 * an expired lease can be claimed again (by exactly one of many); `complete` answers `'duplicate'`
 * until its TTL and outlives the lease; `release` frees the key at once; keys (also ones with
 * colons and braces) are independent; an unreachable backend rejects with `STORE_UNAVAILABLE`.
 *
 * @param makeStore - builds a store for one test, reading time from `context.clock` if it takes a clock
 * @example
 * ```ts
 * import { dedupeStoreConformance } from '@botkeel/core/testing';
 * dedupeStoreConformance(({ clock }) => new MemoryDedupeStore({ clock }), { name: 'MemoryDedupeStore' });
 * ```
 */
export function dedupeStoreConformance(
  makeStore: StoreFactory<DedupeStore>,
  options: StoreConformanceOptions<DedupeStore> = {},
): void {
  const setup = async () => {
    const time = conformanceTime(options);
    const store = await makeStore({ clock: time.clock });
    return { time, store };
  };

  describe(`DedupeStore conformance${options.name === undefined ? '' : `: ${options.name}`}`, () => {
    it('claims a new key once; a live lease answers in-progress', async () => {
      const { store } = await setup();
      const key = uniqueKey('dedupe');
      expect(await store.claim(key, { leaseMs: longMs })).toBe('claimed');
      expect(await store.claim(key, { leaseMs: longMs })).toBe('in-progress');
    });

    it('gives exactly one claimed among 1,000 concurrent claims of one key', async () => {
      const { store } = await setup();
      const key = uniqueKey('dedupe-race');
      const counts = await countConcurrent(1_000, () => store.claim(key, { leaseMs: longMs }));
      expect(counts.get('claimed')).toBe(1);
      expect(counts.get('in-progress')).toBe(999);
      expect(counts.get('duplicate')).toBeUndefined();
    });

    it('lets a claim whose lease expired without complete be claimed again', async () => {
      const { store, time } = await setup();
      const key = uniqueKey('dedupe-lease');
      expect(await store.claim(key, { leaseMs: time.shortMs })).toBe('claimed');
      if (time.isManual) {
        await time.pass(time.shortMs - 1);
        expect(await store.claim(key, { leaseMs: time.shortMs })).toBe('in-progress');
        await time.pass(1);
      } else {
        await time.passShort();
      }
      expect(await store.claim(key, { leaseMs: longMs })).toBe('claimed');
      expect(await store.claim(key, { leaseMs: longMs })).toBe('in-progress');
    });

    it('hands an expired lease to exactly one of 100 concurrent claimers', async () => {
      const { store, time } = await setup();
      const key = uniqueKey('dedupe-takeover');
      expect(await store.claim(key, { leaseMs: time.shortMs })).toBe('claimed');
      await time.passShort();
      const counts = await countConcurrent(100, () => store.claim(key, { leaseMs: longMs }));
      expect(counts.get('claimed')).toBe(1);
      expect(counts.get('in-progress')).toBe(99);
    });

    it('answers duplicate after complete, beyond the lease, until the ttl', async () => {
      const { store, time } = await setup();
      const key = uniqueKey('dedupe-complete');
      expect(await store.claim(key, { leaseMs: time.shortMs })).toBe('claimed');
      await store.complete(key, { ttlMs: longMs });
      expect(await store.claim(key, { leaseMs: longMs })).toBe('duplicate');
      await time.passShort();
      expect(await store.claim(key, { leaseMs: longMs })).toBe('duplicate');
    });

    it('forgets a completed key once its ttl has passed', async () => {
      const { store, time } = await setup();
      const key = uniqueKey('dedupe-ttl');
      expect(await store.claim(key, { leaseMs: longMs })).toBe('claimed');
      await store.complete(key, { ttlMs: time.shortMs });
      expect(await store.claim(key, { leaseMs: longMs })).toBe('duplicate');
      if (time.isManual) {
        await time.pass(time.shortMs - 1);
        expect(await store.claim(key, { leaseMs: longMs })).toBe('duplicate');
        await time.pass(1);
      } else {
        await time.passShort();
      }
      expect(await store.claim(key, { leaseMs: longMs })).toBe('claimed');
    });

    it('makes a released key claimable at once', async () => {
      const { store } = await setup();
      const key = uniqueKey('dedupe-release');
      expect(await store.claim(key, { leaseMs: longMs })).toBe('claimed');
      await store.release(key);
      expect(await store.claim(key, { leaseMs: longMs })).toBe('claimed');
      expect(await store.claim(key, { leaseMs: longMs })).toBe('in-progress');
    });

    it('ignores a release of a key nobody claimed', async () => {
      const { store } = await setup();
      const key = uniqueKey('dedupe-release-unknown');
      await expect(store.release(key)).resolves.toBeUndefined();
      expect(await store.claim(key, { leaseMs: longMs })).toBe('claimed');
    });

    it('keeps distinct keys independent, including keys with colons and braces', async () => {
      const { store } = await setup();
      const base = uniqueKey('dedupe-distinct');
      const first = `${base}:{chat}`;
      const second = `${base}:{chat}:1`;
      const third = `${base}:{chat}:2`;
      expect(await store.claim(first, { leaseMs: longMs })).toBe('claimed');
      expect(await store.claim(second, { leaseMs: longMs })).toBe('claimed');
      expect(await store.claim(third, { leaseMs: longMs })).toBe('claimed');
      await store.complete(first, { ttlMs: longMs });
      await store.release(second);
      expect(await store.claim(first, { leaseMs: longMs })).toBe('duplicate');
      expect(await store.claim(second, { leaseMs: longMs })).toBe('claimed');
      expect(await store.claim(third, { leaseMs: longMs })).toBe('in-progress');
    });

    const makeUnavailableStore = options.makeUnavailableStore;
    it.skipIf(makeUnavailableStore === undefined)(
      'rejects with STORE_UNAVAILABLE when the backend cannot be reached (skipped: no makeUnavailableStore given)',
      async () => {
        if (makeUnavailableStore === undefined) throw new Error('unreachable: the test is skipped');
        const store = await makeUnavailableStore();
        const error: unknown = await store.claim(uniqueKey('dedupe-down'), { leaseMs: longMs }).then(
          () => undefined,
          (reason: unknown) => reason,
        );
        expect(BotkeelError.hasCode(error, 'STORE_UNAVAILABLE')).toBe(true);
      },
    );
  });
}
