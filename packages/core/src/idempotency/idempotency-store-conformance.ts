import { describe, expect, it } from 'vitest';
import {
  type StoreConformanceOptions,
  type StoreFactory,
  conformanceTime,
  countConcurrent,
  uniqueKey,
} from '../dedupe/store-conformance-options.js';
import { BotkeelError } from '../errors/botkeel-error.js';
import { type IdempotencyBegin, type IdempotencyStore } from './idempotency-store.js';

const longMs = 600_000;

/**
 * The suite every `IdempotencyStore` runs (memory here; Redis and Postgres in their
 * packages). Call it at the top level of a vitest file. Every test uses fresh random keys; see
 * {@link StoreConformanceOptions} for `time: 'manual'` versus `time: 'real'`.
 *
 * It checks: one `started` among 1,000 concurrent `begin`s; a live lease answers `in-progress`;
 * `complete` stores the exact result (unicode, quotes, an empty string, 100 KB) until its TTL; a
 * wrong token's `complete` or `release` changes nothing; an expired lease can be started again, and
 * the old owner can then neither complete nor release it; `release` frees the key at once; keys are
 * independent; an unreachable backend rejects with `STORE_UNAVAILABLE`. When the store implements
 * `extend` (otherwise those tests skip themselves): it moves a live lease for its owner only, and
 * answers false for an absent, completed, released, lapsed or taken-over record without changing it,
 * while `begin`s race with it.
 *
 * @param makeStore - builds a store for one test, reading time from `context.clock` if it takes a clock
 * @example
 * ```ts
 * import { idempotencyStoreConformance } from '@botkeel/core/testing';
 * idempotencyStoreConformance(({ clock }) => new MemoryIdempotencyStore({ clock }), { name: 'MemoryIdempotencyStore' });
 * ```
 */
export function idempotencyStoreConformance(
  makeStore: StoreFactory<IdempotencyStore>,
  options: StoreConformanceOptions<IdempotencyStore> = {},
): void {
  const setup = async () => {
    const time = conformanceTime(options);
    const store = await makeStore({ clock: time.clock });
    return { time, store };
  };
  const start = async (store: IdempotencyStore, key: string, leaseMs = longMs): Promise<string> => {
    const begun = await store.begin(key, { leaseMs });
    expect(begun.status).toBe('started');
    return (begun as Extract<IdempotencyBegin, { status: 'started' }>).token;
  };

  describe(`IdempotencyStore conformance${options.name === undefined ? '' : `: ${options.name}`}`, () => {
    it('starts a new key once, with a token; a live lease answers in-progress', async () => {
      const { store } = await setup();
      const key = uniqueKey('idem');
      const token = await start(store, key);
      expect(typeof token).toBe('string');
      expect(token.length).toBeGreaterThan(0);
      expect(await store.begin(key, { leaseMs: longMs })).toEqual({ status: 'in-progress' });
    });

    it('gives exactly one started among 1,000 concurrent begins of one key', async () => {
      const { store } = await setup();
      const key = uniqueKey('idem-race');
      const counts = await countConcurrent(
        1_000,
        async () => (await store.begin(key, { leaseMs: longMs })).status,
      );
      expect(counts.get('started')).toBe(1);
      expect(counts.get('in-progress')).toBe(999);
    });

    it('answers completed with the exact stored result', async () => {
      const { store } = await setup();
      const results = ['{"reply":"Привіт, «друже» 👋","quote":"\\"x\\""}', '', 'x'.repeat(100_000)];
      for (const result of results) {
        const key = uniqueKey('idem-result');
        const token = await start(store, key);
        await store.complete(key, token, result, { ttlMs: longMs });
        expect(await store.begin(key, { leaseMs: longMs })).toEqual({ status: 'completed', result });
      }
    });

    it('keeps a result beyond the lease until its ttl, then starts afresh', async () => {
      const { store, time } = await setup();
      const kept = uniqueKey('idem-kept');
      await store.complete(kept, await start(store, kept, time.shortMs), 'kept', { ttlMs: longMs });
      const expiring = uniqueKey('idem-ttl');
      await store.complete(expiring, await start(store, expiring), 'gone', { ttlMs: time.shortMs });
      if (time.isManual) {
        await time.pass(time.shortMs - 1);
        expect(await store.begin(expiring, { leaseMs: longMs })).toEqual({
          status: 'completed',
          result: 'gone',
        });
        await time.pass(1);
      } else {
        await time.passShort();
      }
      expect(await store.begin(kept, { leaseMs: longMs })).toEqual({ status: 'completed', result: 'kept' });
      await start(store, expiring);
    });

    it('ignores complete and release with a wrong token', async () => {
      const { store } = await setup();
      const key = uniqueKey('idem-token');
      const token = await start(store, key);
      await store.complete(key, `${token}-not`, 'forged', { ttlMs: longMs });
      await store.release(key, `${token}-not`);
      expect(await store.begin(key, { leaseMs: longMs })).toEqual({ status: 'in-progress' });
      await store.complete(key, token, 'real', { ttlMs: longMs });
      expect(await store.begin(key, { leaseMs: longMs })).toEqual({ status: 'completed', result: 'real' });
    });

    it('lets an expired lease be started again; the old owner can no longer complete or release', async () => {
      const { store, time } = await setup();
      const key = uniqueKey('idem-lease');
      const oldToken = await start(store, key, time.shortMs);
      if (time.isManual) {
        await time.pass(time.shortMs - 1);
        expect(await store.begin(key, { leaseMs: longMs })).toEqual({ status: 'in-progress' });
        await time.pass(1);
      } else {
        await time.passShort();
      }
      const newToken = await start(store, key);
      expect(newToken).not.toBe(oldToken);
      await store.complete(key, oldToken, 'stale', { ttlMs: longMs });
      await store.release(key, oldToken);
      expect(await store.begin(key, { leaseMs: longMs })).toEqual({ status: 'in-progress' });
      await store.complete(key, newToken, 'fresh', { ttlMs: longMs });
      expect(await store.begin(key, { leaseMs: longMs })).toEqual({ status: 'completed', result: 'fresh' });
    });

    it('hands an expired lease to exactly one of 100 concurrent begins', async () => {
      const { store, time } = await setup();
      const key = uniqueKey('idem-takeover');
      await start(store, key, time.shortMs);
      await time.passShort();
      const counts = await countConcurrent(
        100,
        async () => (await store.begin(key, { leaseMs: longMs })).status,
      );
      expect(counts.get('started')).toBe(1);
      expect(counts.get('in-progress')).toBe(99);
    });

    it('makes a released key startable at once', async () => {
      const { store } = await setup();
      const key = uniqueKey('idem-release');
      const token = await start(store, key);
      await store.release(key, token);
      await start(store, key);
      expect(await store.begin(key, { leaseMs: longMs })).toEqual({ status: 'in-progress' });
    });

    it('keeps distinct keys independent, including keys with colons and braces', async () => {
      const { store } = await setup();
      const base = uniqueKey('idem-distinct');
      const first = `${base}:{order}`;
      const second = `${base}:{order}:1`;
      const firstToken = await start(store, first);
      const secondToken = await start(store, second);
      await store.complete(first, firstToken, 'one', { ttlMs: longMs });
      expect(await store.begin(second, { leaseMs: longMs })).toEqual({ status: 'in-progress' });
      await store.release(second, secondToken);
      expect(await store.begin(first, { leaseMs: longMs })).toEqual({ status: 'completed', result: 'one' });
      await start(store, second);
    });

    // `extend` is optional: these tests skip themselves when the store built for them lacks it.
    const withExtend = async (skip: (note?: string) => never) => {
      const built = await setup();
      const extend = built.store.extend?.bind(built.store);
      if (extend === undefined) return skip('the store does not implement extend');
      return { ...built, extend };
    };

    it('extend keeps a live lease past its first end, for its owner only', async ({ skip }) => {
      const { store, time, extend } = await withExtend(skip);
      const key = uniqueKey('idem-extend');
      const token = await start(store, key, time.shortMs);
      if (time.isManual) {
        await time.pass(time.shortMs - 1);
        expect(await extend(key, token, { leaseMs: time.shortMs })).toBe(true);
        await time.pass(time.shortMs - 1);
        expect(await store.begin(key, { leaseMs: longMs })).toEqual({ status: 'in-progress' });
        await time.pass(1);
        // The new lease ended: the key can be started again, and the old owner cannot extend it.
        const next = await start(store, key);
        expect(await extend(key, token, { leaseMs: longMs })).toBe(false);
        expect(await extend(key, next, { leaseMs: longMs })).toBe(true);
      } else {
        expect(await extend(key, token, { leaseMs: longMs })).toBe(true);
        await time.passShort();
        expect(await store.begin(key, { leaseMs: longMs })).toEqual({ status: 'in-progress' });
        // Extending shortens too: the lease ends `leaseMs` from now, whatever was left of it.
        expect(await extend(key, token, { leaseMs: time.shortMs })).toBe(true);
        await time.passShort();
        await start(store, key);
      }
    });

    it('extend leaves the owner able to complete, and answers false once completed', async ({ skip }) => {
      const { store, time, extend } = await withExtend(skip);
      const key = uniqueKey('idem-extend-done');
      const token = await start(store, key, time.shortMs);
      expect(await extend(key, token, { leaseMs: longMs })).toBe(true);
      await time.passShort();
      await store.complete(key, token, 'done', { ttlMs: longMs });
      expect(await store.begin(key, { leaseMs: longMs })).toEqual({ status: 'completed', result: 'done' });
      // Extending a completed record changes nothing: it never turns back into in-progress.
      expect(await extend(key, token, { leaseMs: longMs })).toBe(false);
      expect(await store.begin(key, { leaseMs: longMs })).toEqual({ status: 'completed', result: 'done' });
      // Nor does it stretch the result's TTL into a lease.
      const shortLived = uniqueKey('idem-extend-ttl');
      const shortToken = await start(store, shortLived);
      await store.complete(shortLived, shortToken, 'brief', { ttlMs: time.shortMs });
      expect(await extend(shortLived, shortToken, { leaseMs: longMs })).toBe(false);
      await time.passShort();
      await start(store, shortLived);
    });

    it('extend answers false for an absent key, a wrong token and a released key', async ({ skip }) => {
      const { store, time, extend } = await withExtend(skip);
      const absent = uniqueKey('idem-extend-absent');
      expect(await extend(absent, 'no-such-token', { leaseMs: longMs })).toBe(false);
      // A refused extend creates nothing.
      await start(store, absent);

      const key = uniqueKey('idem-extend-foreign');
      const token = await start(store, key, time.shortMs);
      expect(await extend(key, `${token}-not`, { leaseMs: longMs })).toBe(false);
      // The forged extend did not move the owner's lease either.
      await time.passShort();
      await start(store, key);

      const released = uniqueKey('idem-extend-released');
      const releasedToken = await start(store, released);
      await store.release(released, releasedToken);
      expect(await extend(released, releasedToken, { leaseMs: longMs })).toBe(false);
      await start(store, released);
    });

    it('extend does not revive a lease that ran out, taken over or not', async ({ skip }) => {
      const { store, time, extend } = await withExtend(skip);
      const lapsed = uniqueKey('idem-extend-lapsed');
      const lapsedToken = await start(store, lapsed, time.shortMs);
      await time.passShort();
      expect(await extend(lapsed, lapsedToken, { leaseMs: longMs })).toBe(false);
      await start(store, lapsed);

      const taken = uniqueKey('idem-extend-taken');
      const oldToken = await start(store, taken, time.shortMs);
      await time.passShort();
      const newToken = await start(store, taken);
      expect(await extend(taken, oldToken, { leaseMs: longMs })).toBe(false);
      expect(await store.begin(taken, { leaseMs: longMs })).toEqual({ status: 'in-progress' });
      await store.complete(taken, newToken, 'new owner', { ttlMs: longMs });
      expect(await store.begin(taken, { leaseMs: longMs })).toEqual({
        status: 'completed',
        result: 'new owner',
      });
    });

    it('an owner extending while 100 begins race gets every extend, and nobody starts', async ({ skip }) => {
      const { store, extend } = await withExtend(skip);
      const key = uniqueKey('idem-extend-race');
      const token = await start(store, key);
      const [extended, counts] = await Promise.all([
        Promise.all(Array.from({ length: 20 }, () => extend(key, token, { leaseMs: longMs }))),
        countConcurrent(100, async () => (await store.begin(key, { leaseMs: longMs })).status),
      ]);
      expect(extended.every(Boolean)).toBe(true);
      expect(counts.get('in-progress')).toBe(100);
    });

    const makeUnavailableStore = options.makeUnavailableStore;
    it.skipIf(makeUnavailableStore === undefined)(
      'rejects with STORE_UNAVAILABLE when the backend cannot be reached (skipped: no makeUnavailableStore given)',
      async () => {
        if (makeUnavailableStore === undefined) throw new Error('unreachable: the test is skipped');
        const store = await makeUnavailableStore();
        const error: unknown = await store.begin(uniqueKey('idem-down'), { leaseMs: longMs }).then(
          () => undefined,
          (reason: unknown) => reason,
        );
        expect(BotkeelError.hasCode(error, 'STORE_UNAVAILABLE')).toBe(true);
        if (store.extend === undefined) return;
        const extendError: unknown = await store
          .extend(uniqueKey('idem-down'), 'token', { leaseMs: longMs })
          .then(
            () => undefined,
            (reason: unknown) => reason,
          );
        expect(BotkeelError.hasCode(extendError, 'STORE_UNAVAILABLE')).toBe(true);
      },
    );
  });
}
