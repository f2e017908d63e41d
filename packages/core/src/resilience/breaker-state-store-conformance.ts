import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BotkeelError } from '../errors/botkeel-error.js';
import { type BreakerStateStore } from './breaker-state-store.js';

/** Options of {@link breakerStateStoreConformance}. */
export interface BreakerStateStoreConformanceOptions {
  /** Test names to skip, each with the reason, e.g. `{ 'expires entries after their ttlMs': 'no TTL support' }`. */
  skip?: Readonly<Record<string, string>>;
  /** Called after each test with the store it used (close clients, drop keys). */
  cleanup?: (store: BreakerStateStore) => Promise<void> | void;
}

/** Backend TTLs run on the backend's own time, so this one wait is real. */
function wait(ms: number): Promise<void> {
  return sleep(ms, undefined, { ref: false });
}

/**
 * The contract every {@link BreakerStateStore} keeps, as a vitest suite: newest-wins writes with
 * versions, cooldowns that only grow, expiry after `ttlMs`, independence of names, atomicity under
 * concurrent writers and abort handling. Each test uses fresh random names. Expiry waits for real
 * time (about 300 ms), because store TTLs are the backend's own.
 *
 * @param makeStore - Builds the store under test (called once per test).
 * @example
 * ```ts
 * breakerStateStoreConformance(() => new RedisBreakerStateStore({ client, keyPrefix: `t${Date.now()}` }));
 * ```
 */
export function breakerStateStoreConformance(
  makeStore: () => BreakerStateStore | Promise<BreakerStateStore>,
  options: BreakerStateStoreConformanceOptions = {},
): void {
  const test = (name: string, body: (store: BreakerStateStore, key: string) => Promise<void>): void => {
    const reason = options.skip?.[name];
    if (reason !== undefined) {
      it.skip(`${name} (skipped: ${reason})`, () => undefined);
      return;
    }
    it(name, async () => {
      const store = await makeStore();
      try {
        await body(store, `breaker-${randomUUID()}`);
      } finally {
        await options.cleanup?.(store);
      }
    });
  };

  describe('BreakerStateStore conformance', () => {
    test('reads undefined and a zero cooldown for an unknown name', async (store, key) => {
      expect(await store.read(key)).toBeUndefined();
      expect(await store.readCooldown(key)).toBe(0);
    });

    test('stores a first record with version 1 and reads it back', async (store, key) => {
      const written = await store.write(
        key,
        { state: 'open', changedAtMs: 1_000, writerId: 'a' },
        { ttlMs: 60_000 },
      );
      expect(written).toEqual({ state: 'open', changedAtMs: 1_000, writerId: 'a', version: 1 });
      expect(await store.read(key)).toEqual(written);
    });

    test('accepts a newer record and increments the version', async (store, key) => {
      await store.write(key, { state: 'open', changedAtMs: 1_000, writerId: 'a' }, { ttlMs: 60_000 });
      const written = await store.write(
        key,
        { state: 'closed', changedAtMs: 2_000, writerId: 'b' },
        { ttlMs: 60_000 },
      );
      expect(written).toEqual({ state: 'closed', changedAtMs: 2_000, writerId: 'b', version: 2 });
      expect(await store.read(key)).toEqual(written);
    });

    test('refuses an older record and answers the stored one', async (store, key) => {
      await store.write(key, { state: 'open', changedAtMs: 2_000, writerId: 'a' }, { ttlMs: 60_000 });
      const answer = await store.write(
        key,
        { state: 'closed', changedAtMs: 1_500, writerId: 'z' },
        { ttlMs: 60_000 },
      );
      expect(answer).toEqual({ state: 'open', changedAtMs: 2_000, writerId: 'a', version: 1 });
      expect(await store.read(key)).toEqual(answer);
    });

    test('breaks a tie of changedAtMs by the larger writerId', async (store, key) => {
      await store.write(key, { state: 'open', changedAtMs: 5_000, writerId: 'b' }, { ttlMs: 60_000 });
      const lower = await store.write(
        key,
        { state: 'closed', changedAtMs: 5_000, writerId: 'a' },
        { ttlMs: 60_000 },
      );
      expect(lower.writerId).toBe('b');
      expect(lower.version).toBe(1);
      const higher = await store.write(
        key,
        { state: 'closed', changedAtMs: 5_000, writerId: 'c' },
        { ttlMs: 60_000 },
      );
      expect(higher).toEqual({ state: 'closed', changedAtMs: 5_000, writerId: 'c', version: 2 });
    });

    test('refuses a replay of the stored record without bumping the version', async (store, key) => {
      const record = { state: 'open', changedAtMs: 3_000, writerId: 'a' } as const;
      await store.write(key, record, { ttlMs: 60_000 });
      const again = await store.write(key, record, { ttlMs: 60_000 });
      expect(again.version).toBe(1);
    });

    test('keeps names independent', async (store, key) => {
      await store.write(`${key}-one`, { state: 'open', changedAtMs: 1, writerId: 'a' }, { ttlMs: 60_000 });
      await store.extendCooldown(`${key}-one`, 9_000, { ttlMs: 60_000 });
      expect(await store.read(`${key}-two`)).toBeUndefined();
      expect(await store.readCooldown(`${key}-two`)).toBe(0);
      expect((await store.read(`${key}-one`))?.state).toBe('open');
    });

    test('extends a cooldown only forwards', async (store, key) => {
      expect(await store.extendCooldown(key, 10_000, { ttlMs: 60_000 })).toBe(10_000);
      expect(await store.extendCooldown(key, 8_000, { ttlMs: 60_000 })).toBe(10_000);
      expect(await store.readCooldown(key)).toBe(10_000);
      expect(await store.extendCooldown(key, 12_500, { ttlMs: 60_000 })).toBe(12_500);
      expect(await store.readCooldown(key)).toBe(12_500);
    });

    test('keeps the newest record under concurrent writers', async (store, key) => {
      const times = Array.from({ length: 25 }, (_, index) => ((index * 7) % 25) * 10 + 1_000);
      const answers = await Promise.all(
        times.map((changedAtMs, index) =>
          store.write(
            key,
            { state: index % 2 === 0 ? 'open' : 'closed', changedAtMs, writerId: `w${index}` },
            { ttlMs: 60_000 },
          ),
        ),
      );
      const newest = Math.max(...times);
      const stored = await store.read(key);
      expect(stored?.changedAtMs).toBe(newest);
      for (const answer of answers) expect(answer.changedAtMs).toBeLessThanOrEqual(newest);
      expect(stored?.version).toBeGreaterThanOrEqual(1);
      expect(stored?.version).toBeLessThanOrEqual(times.length);
    });

    test('keeps the latest cooldown under concurrent extenders', async (store, key) => {
      const ends = Array.from({ length: 25 }, (_, index) => ((index * 11) % 25) * 100 + 50_000);
      await Promise.all(ends.map((untilMs) => store.extendCooldown(key, untilMs, { ttlMs: 60_000 })));
      expect(await store.readCooldown(key)).toBe(Math.max(...ends));
    });

    test('expires entries after their ttlMs', async (store, key) => {
      await store.write(key, { state: 'open', changedAtMs: 1, writerId: 'a' }, { ttlMs: 100 });
      await store.extendCooldown(key, 7_000, { ttlMs: 100 });
      expect(await store.read(key)).toBeDefined();
      await wait(300);
      expect(await store.read(key)).toBeUndefined();
      expect(await store.readCooldown(key)).toBe(0);
      const fresh = await store.write(
        key,
        { state: 'closed', changedAtMs: 0, writerId: 'a' },
        { ttlMs: 60_000 },
      );
      expect(fresh.version).toBe(1);
    });

    test('rejects a call whose signal is already aborted', async (store, key) => {
      const controller = new AbortController();
      controller.abort();
      const outcome = await store.read(key, { signal: controller.signal }).then(
        () => 'resolved',
        (error: unknown) => (BotkeelError.isInstance(error) ? error.code : 'other'),
      );
      expect(outcome).toBe('ABORTED');
    });
  });
}
