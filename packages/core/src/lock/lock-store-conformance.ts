import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Clock } from '../clock/clock.js';
import { createManualClock } from '../clock/manual-clock.js';
import { systemClock } from '../clock/system-clock.js';
import { BotkeelError } from '../errors/botkeel-error.js';
import { type LockLease, type LockStore } from './lock-store.js';

/** What {@link lockStoreConformance} hands to the store factory for each test. */
export interface LockStoreFactoryContext {
  /**
   * The clock the store must read when it takes one: a manual clock in `time: 'manual'` mode (the
   * suite moves it), {@link systemClock} in `time: 'real'` mode.
   */
  clock: Clock;
}

/** Builds a fresh {@link LockStore} for one test; it may share a client and prefix with other tests. */
export type LockStoreFactory = (context: LockStoreFactoryContext) => LockStore | Promise<LockStore>;

/**
 * Options of {@link lockStoreConformance}.
 *
 * Choosing `time`:
 * - `'manual'` (default) is for stores that read every "now" from the injected clock: the memory
 *   store, and distributed stores that send `clock.now()` to the server as an argument. The suite
 *   advances a manual clock, so expiry is checked to the millisecond and nothing sleeps.
 * - `'real'` is for stores whose backend keeps time itself (Redis `PX`/`TIME`, Postgres `now()`),
 *   where moving a manual clock changes nothing. The suite hands over {@link systemClock} and really
 *   waits: expiry checks use a short lease (`realDurationMs`, default 100 ms) and wait three times
 *   that; "still held" checks use leases of minutes, so a slow machine makes a run slower, never flaky.
 */
export interface LockStoreConformanceOptions {
  /** Names the store in the `describe` title. */
  name?: string;
  /** How time moves for the store; see above. Default `'manual'`. */
  time?: 'manual' | 'real';
  /** In `'real'` mode: the short lease used by expiry checks, in ms. Default 100. */
  realDurationMs?: number;
  /**
   * Builds a store whose backend cannot be reached. When given, the suite checks that `acquire`
   * rejects with `STORE_UNAVAILABLE`.
   */
  makeUnavailableStore?: () => LockStore | Promise<LockStore>;
}

interface LockTime {
  readonly clock: Clock;
  readonly isManual: boolean;
  readonly shortMs: number;
  pass(ms: number): Promise<void>;
  passShort(): Promise<void>;
}

function lockTime(options: LockStoreConformanceOptions): LockTime {
  if (options.time === 'real') {
    const shortMs = options.realDurationMs ?? 100;
    const pass = (ms: number): Promise<void> =>
      new Promise((resolve) => {
        systemClock.setTimeout(resolve, ms);
      });
    return { clock: systemClock, isManual: false, shortMs, pass, passShort: () => pass(shortMs * 3) };
  }
  const clock = createManualClock(1_700_000_000_000);
  const shortMs = 1_000;
  const pass = (ms: number): Promise<void> => clock.advanceAsync(ms);
  return { clock, isManual: true, shortMs, pass, passShort: () => pass(shortMs) };
}

const longMs = 600_000;
const uniqueKey = (label: string): string => `conformance:${label}:${randomUUID()}`;
const foreign = (lease: LockLease): LockLease => ({ ...lease, token: `not-${lease.token}` });

function held(lease: LockLease | undefined): LockLease {
  if (lease === undefined) throw new Error('expected the lock to be acquired');
  return lease;
}

/**
 * The suite every {@link LockStore} runs (memory here; Redis in its package). Call it at the top level
 * of a vitest file; it registers one `describe` block. Every test uses fresh random keys, so a shared
 * server and prefix are fine. See {@link LockStoreConformanceOptions} for `time: 'manual'` (injected
 * clock) versus `time: 'real'` (the backend keeps time).
 *
 * It checks: a held key is refused to a second acquirer; exactly one of 100 concurrent acquirers wins;
 * fencing tokens grow strictly across acquisitions of a key; `release` and `renew` work for the
 * holder's token only; `renew` pushes expiry out; an expired lease can be taken (by exactly one of
 * many) with a larger fencing token, after which the old holder can neither renew nor release; keys
 * are independent; an unreachable backend rejects with `STORE_UNAVAILABLE`.
 *
 * @param makeStore - builds a store for one test, reading time from `context.clock` if it takes a clock
 * @example
 * ```ts
 * import { lockStoreConformance } from '@botkeel/core/testing';
 * lockStoreConformance(({ clock }) => new MemoryLockStore({ clock }), { name: 'MemoryLockStore' });
 * lockStoreConformance(() => new RedisLock({ client, keyPrefix }), { name: 'RedisLock', time: 'real' });
 * ```
 */
export function lockStoreConformance(
  makeStore: LockStoreFactory,
  options: LockStoreConformanceOptions = {},
): void {
  const setup = async () => {
    const time = lockTime(options);
    const store = await makeStore({ clock: time.clock });
    return { time, store };
  };

  describe(`LockStore conformance${options.name === undefined ? '' : `: ${options.name}`}`, () => {
    it('gives a lease for a free key and refuses the key while it is held', async () => {
      const { store, time } = await setup();
      const key = uniqueKey('lock');
      const before = time.clock.now();
      const lease = held(await store.acquire(key, { leaseMs: longMs }));
      expect(lease.key).toBe(key);
      expect(typeof lease.token).toBe('string');
      expect(lease.token.length).toBeGreaterThan(0);
      expect(Number.isSafeInteger(lease.fencingToken)).toBe(true);
      expect(lease.fencingToken).toBeGreaterThan(0);
      if (time.isManual) expect(lease.expiresAtMs).toBe(before + longMs);
      expect(await store.acquire(key, { leaseMs: longMs })).toBeUndefined();
    });

    it('gives the key to exactly one of 100 concurrent acquirers', async () => {
      const { store } = await setup();
      const key = uniqueKey('lock-race');
      const results = await Promise.all(
        Array.from({ length: 100 }, () => store.acquire(key, { leaseMs: longMs })),
      );
      const winners = results.filter((result) => result !== undefined);
      expect(winners).toHaveLength(1);
    });

    it('frees the key on release by the holder, with a larger fencing token for the next holder', async () => {
      const { store } = await setup();
      const key = uniqueKey('lock-release');
      const fencingTokens: number[] = [];
      for (let round = 0; round < 5; round += 1) {
        const lease = held(await store.acquire(key, { leaseMs: longMs }));
        fencingTokens.push(lease.fencingToken);
        expect(await store.release(lease)).toBe(true);
        expect(await store.release(lease)).toBe(false);
      }
      for (let index = 1; index < fencingTokens.length; index += 1) {
        expect(fencingTokens[index]).toBeGreaterThan(fencingTokens[index - 1] ?? Number.POSITIVE_INFINITY);
      }
    });

    it('refuses release and renew by a token that does not hold the lock', async () => {
      const { store } = await setup();
      const key = uniqueKey('lock-owner');
      const lease = held(await store.acquire(key, { leaseMs: longMs }));
      expect(await store.release(foreign(lease))).toBe(false);
      expect(await store.renew(foreign(lease), { leaseMs: longMs })).toBeUndefined();
      expect(await store.acquire(key, { leaseMs: longMs })).toBeUndefined();
      expect(await store.release(lease)).toBe(true);
    });

    it('keeps a renewed lease past its first expiry', async () => {
      const { store, time } = await setup();
      const key = uniqueKey('lock-renew');
      const lease = held(await store.acquire(key, { leaseMs: time.shortMs }));
      if (time.isManual) {
        await time.pass(time.shortMs - 1);
        const renewed = held(await store.renew(lease, { leaseMs: time.shortMs }));
        expect(renewed.expiresAtMs).toBe(time.clock.now() + time.shortMs);
        expect(renewed.token).toBe(lease.token);
        expect(renewed.fencingToken).toBe(lease.fencingToken);
        await time.pass(time.shortMs - 1);
        expect(await store.acquire(key, { leaseMs: longMs })).toBeUndefined();
        await time.pass(1);
        expect(await store.acquire(key, { leaseMs: longMs })).toBeDefined();
      } else {
        const renewed = held(await store.renew(lease, { leaseMs: longMs }));
        expect(renewed.token).toBe(lease.token);
        expect(renewed.fencingToken).toBe(lease.fencingToken);
        expect(renewed.expiresAtMs).toBeGreaterThan(lease.expiresAtMs);
        await time.passShort();
        expect(await store.acquire(key, { leaseMs: longMs })).toBeUndefined();
        expect(await store.release(renewed)).toBe(true);
      }
    });

    it('lets an expired lease be taken with a larger fencing token; the old holder can no longer renew or release', async () => {
      const { store, time } = await setup();
      const key = uniqueKey('lock-expiry');
      const old = held(await store.acquire(key, { leaseMs: time.shortMs }));
      await time.passShort();
      const next = held(await store.acquire(key, { leaseMs: longMs }));
      expect(next.fencingToken).toBeGreaterThan(old.fencingToken);
      expect(next.token).not.toBe(old.token);
      expect(await store.renew(old, { leaseMs: longMs })).toBeUndefined();
      expect(await store.release(old)).toBe(false);
      expect(await store.acquire(key, { leaseMs: longMs })).toBeUndefined();
      expect(await store.release(next)).toBe(true);
    });

    it('does not renew a lease that expired, even when nobody took the key', async () => {
      const { store, time } = await setup();
      const key = uniqueKey('lock-late-renew');
      const lease = held(await store.acquire(key, { leaseMs: time.shortMs }));
      await time.passShort();
      expect(await store.renew(lease, { leaseMs: longMs })).toBeUndefined();
      expect(await store.acquire(key, { leaseMs: longMs })).toBeDefined();
    });

    it('hands an expired lease to exactly one of 50 concurrent acquirers', async () => {
      const { store, time } = await setup();
      const key = uniqueKey('lock-expiry-race');
      const old = held(await store.acquire(key, { leaseMs: time.shortMs }));
      await time.passShort();
      const results = await Promise.all(
        Array.from({ length: 50 }, () => store.acquire(key, { leaseMs: longMs })),
      );
      const winners = results.filter((result) => result !== undefined);
      expect(winners).toHaveLength(1);
      expect(winners[0]?.fencingToken).toBeGreaterThan(old.fencingToken);
    });

    it('keeps keys independent, including keys with colons, braces and non-ASCII text', async () => {
      const { store } = await setup();
      const base = uniqueKey('lock-keys');
      const keys = [`${base}:a`, `${base}:{b}`, `${base}:чат-🙂`];
      const leases = await Promise.all(keys.map((key) => store.acquire(key, { leaseMs: longMs })));
      expect(leases.every((lease) => lease !== undefined)).toBe(true);
      expect(await store.release(held(leases[0]))).toBe(true);
      expect(await store.acquire(keys[1] ?? '', { leaseMs: longMs })).toBeUndefined();
      expect(await store.acquire(keys[0] ?? '', { leaseMs: longMs })).toBeDefined();
    });

    const makeUnavailableStore = options.makeUnavailableStore;
    it.skipIf(makeUnavailableStore === undefined)(
      'rejects with STORE_UNAVAILABLE when the backend cannot be reached (skipped: no makeUnavailableStore given)',
      async () => {
        if (makeUnavailableStore === undefined) throw new Error('unreachable: the test is skipped');
        const store = await makeUnavailableStore();
        const error: unknown = await store.acquire(uniqueKey('lock-down'), { leaseMs: longMs }).then(
          () => undefined,
          (reason: unknown) => reason,
        );
        expect(BotkeelError.hasCode(error, 'STORE_UNAVAILABLE')).toBe(true);
      },
    );
  });
}
