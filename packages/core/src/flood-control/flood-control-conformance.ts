import { describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '../clock/manual-clock.js';
import {
  defaultFloodLimits,
  type FloodControl,
  type FloodLimits,
  type FloodRequest,
} from './flood-control.js';

/** What {@link floodControlConformance} hands to `makeStore` for each store it needs. */
export interface FloodControlConformanceContext {
  /** The clock the store must read time from. */
  readonly clock: ManualClock;
  /** The budgets the store must enforce. */
  readonly limits: FloodLimits;
  /**
   * A fresh random name per test. Two calls with the same namespace must return handles on the SAME
   * state (as two bot instances sharing one Redis do): e.g. Redis `keyPrefix = namespace`; a memory
   * store returns the same instance.
   */
  readonly namespace: string;
}

/** Builds a {@link FloodControl} for {@link floodControlConformance}. */
export type MakeFloodControl = (
  context: FloodControlConformanceContext,
) => FloodControl | Promise<FloodControl>;

const privateChat = (chatId: string): FloodRequest => ({ chatId, chatKind: 'private' });
const groupChat = (chatId: string): FloodRequest => ({ chatId, chatKind: 'group' });

/** Limits with a roomy global budget, so per-chat behaviour can be observed alone. */
const roomyGlobal: FloodLimits = {
  ...defaultFloodLimits,
  global: { limit: 1_000, windowMs: 1_000, burst: 1_000 },
};

/** A tiny deterministic PRNG (mulberry32) so the simulation is reproducible. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The most sends a GCRA budget lets through in any half-open window of `windowMs`. */
function windowBound(limit: number, burst: number): number {
  return limit + burst - 1;
}

/** Largest count of timestamps inside any half-open window `[t, t + windowMs)`. */
function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while ((sorted[end] ?? 0) - (sorted[start] ?? 0) >= windowMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/**
 * The conformance suite every {@link FloodControl} implementation runs: budgets (GCRA, burst, exact
 * `waitMs`), atomicity of the global + chat decision, cooldowns per chat and global, sharing between
 * handles, and bounds under concurrent and randomized load. Call it inside a test file.
 *
 * @param makeStore - builds a store on the given clock, limits and namespace (see
 *   {@link FloodControlConformanceContext}).
 * @example
 * ```ts
 * // packages/store-redis/test/flood-control.test.ts
 * floodControlConformance(({ clock, limits, namespace }) =>
 *   new RedisFloodControl({ client: redis, keyPrefix: namespace, clock, limits }),
 * );
 * ```
 */
export function floodControlConformance(makeStore: MakeFloodControl): void {
  const setup = async (limits: FloodLimits = defaultFloodLimits) => {
    const clock = createManualClock(1_700_000_000_000);
    const namespace = `botkeel-flood-${Math.random().toString(36).slice(2, 10)}`;
    const context = { clock, limits, namespace };
    const store = await makeStore(context);
    return { clock, store, sibling: () => makeStore(context) };
  };

  describe('FloodControl conformance', () => {
    it('allows a private chat its burst at once, then one send per interval', async () => {
      const { clock, store } = await setup(roomyGlobal);
      for (let index = 0; index < 3; index += 1) {
        expect(await store.acquire(privateChat('1'))).toEqual({ allowed: true, waitMs: 0 });
      }
      expect(await store.acquire(privateChat('1'))).toEqual({
        allowed: false,
        waitMs: 1_000,
        reason: 'budget',
      });
      clock.advance(999);
      expect(await store.acquire(privateChat('1'))).toEqual({ allowed: false, waitMs: 1, reason: 'budget' });
      clock.advance(1);
      expect((await store.acquire(privateChat('1'))).allowed).toBe(true);
      expect((await store.acquire(privateChat('1'))).allowed).toBe(false);
    });

    it('spends nothing when it denies', async () => {
      const { clock, store } = await setup(roomyGlobal);
      for (let index = 0; index < 3; index += 1) await store.acquire(privateChat('1'));
      for (let index = 0; index < 20; index += 1)
        expect((await store.acquire(privateChat('1'))).allowed).toBe(false);
      clock.advance(1_000);
      expect((await store.acquire(privateChat('1'))).allowed).toBe(true);
    });

    it('applies the group budget to group chats', async () => {
      const { clock, store } = await setup(roomyGlobal);
      expect((await store.acquire(groupChat('-100'))).allowed).toBe(true);
      expect(await store.acquire(groupChat('-100'))).toEqual({
        allowed: false,
        waitMs: 3_000,
        reason: 'budget',
      });
      clock.advance(3_000);
      expect((await store.acquire(groupChat('-100'))).allowed).toBe(true);
    });

    it('keeps chats independent of each other', async () => {
      const { store } = await setup(roomyGlobal);
      for (let index = 0; index < 3; index += 1) await store.acquire(privateChat('1'));
      expect((await store.acquire(privateChat('1'))).allowed).toBe(false);
      expect((await store.acquire(privateChat('2'))).allowed).toBe(true);
      expect((await store.acquire(groupChat('-3'))).allowed).toBe(true);
    });

    it('spends the global budget across chats, and a global denial spends no chat budget', async () => {
      const limits: FloodLimits = { ...defaultFloodLimits, global: { limit: 2, windowMs: 1_000, burst: 2 } };
      const { clock, store } = await setup(limits);
      expect((await store.acquire(privateChat('1'))).allowed).toBe(true);
      expect((await store.acquire(privateChat('2'))).allowed).toBe(true);
      expect(await store.acquire(privateChat('3'))).toEqual({
        allowed: false,
        waitMs: 500,
        reason: 'budget',
      });
      clock.advance(500);
      // Chat 3 was denied before, so it still has its whole burst; only the global budget limits it.
      expect((await store.acquire(privateChat('3'))).allowed).toBe(true);
      expect((await store.acquire(privateChat('3'))).allowed).toBe(false);
    });

    it('uses the default budgets of Telegram: 30/s for the bot', async () => {
      const { clock, store } = await setup();
      const times: number[] = [];
      const startedAt = clock.now();
      while (clock.now() - startedAt < 3_000) {
        const decision = await store.acquire(privateChat(String(times.length)));
        if (decision.allowed) times.push(clock.now());
        else clock.advance(decision.waitMs);
      }
      expect(maxInWindow(times, 1_000)).toBe(30);
      expect(times.length).toBeGreaterThanOrEqual(89);
    });

    it('pauses one chat for every send after pause(chat), and only that chat', async () => {
      const { clock, store } = await setup(roomyGlobal);
      await store.pause({ chatId: '1' }, 5_000);
      expect(await store.acquire(privateChat('1'))).toEqual({
        allowed: false,
        waitMs: 5_000,
        reason: 'cooldown',
      });
      expect((await store.acquire(privateChat('2'))).allowed).toBe(true);
      clock.advance(4_999);
      expect(await store.acquire(privateChat('1'))).toEqual({
        allowed: false,
        waitMs: 1,
        reason: 'cooldown',
      });
      clock.advance(1);
      expect((await store.acquire(privateChat('1'))).allowed).toBe(true);
    });

    it('pauses every chat after pause("global")', async () => {
      const { clock, store } = await setup(roomyGlobal);
      await store.pause('global', 2_000);
      for (const request of [privateChat('1'), privateChat('2'), groupChat('-5')]) {
        expect(await store.acquire(request)).toEqual({ allowed: false, waitMs: 2_000, reason: 'cooldown' });
      }
      clock.advance(2_000);
      expect((await store.acquire(groupChat('-5'))).allowed).toBe(true);
    });

    it('extends a cooldown and never shortens it', async () => {
      const { clock, store } = await setup(roomyGlobal);
      await store.pause({ chatId: '1' }, 10_000);
      await store.pause({ chatId: '1' }, 1_000);
      clock.advance(1_000);
      expect(await store.acquire(privateChat('1'))).toEqual({
        allowed: false,
        waitMs: 9_000,
        reason: 'cooldown',
      });
      await store.pause({ chatId: '1' }, 20_000);
      expect(await store.acquire(privateChat('1'))).toEqual({
        allowed: false,
        waitMs: 20_000,
        reason: 'cooldown',
      });
    });

    it('shares budgets and cooldowns between handles on the same namespace', async () => {
      const { store, sibling } = await setup(roomyGlobal);
      const other = await sibling();
      await store.acquire(privateChat('1'));
      await other.acquire(privateChat('1'));
      await store.acquire(privateChat('1'));
      expect((await other.acquire(privateChat('1'))).allowed).toBe(false);
      await other.pause({ chatId: '2' }, 1_000);
      expect(await store.acquire(privateChat('2'))).toEqual({
        allowed: false,
        waitMs: 1_000,
        reason: 'cooldown',
      });
    });

    it('never allows more than the burst under concurrent acquires from two handles', async () => {
      const { store, sibling } = await setup(roomyGlobal);
      const other = await sibling();
      const decisions = await Promise.all(
        Array.from({ length: 40 }, (_, index) => (index % 2 === 0 ? store : other).acquire(privateChat('7'))),
      );
      expect(decisions.filter((decision) => decision.allowed)).toHaveLength(3);
    });

    it('keeps every budget over a randomized minute of sends to many chats', async () => {
      const limits: FloodLimits = {
        global: { limit: 10, windowMs: 1_000, burst: 3 },
        privateChat: { limit: 1, windowMs: 1_000, burst: 2 },
        groupChat: { limit: 6, windowMs: 6_000, burst: 1 },
      };
      const { clock, store, sibling } = await setup(limits);
      const handles = [store, await sibling()];
      const random = seededRandom(20_241_129);
      const chats = ['1', '2', '3', '-10', '-11'];
      const sent = new Map<string, number[]>();
      const all: number[] = [];
      const startedAt = clock.now();
      while (clock.now() - startedAt < 60_000) {
        const chatId = chats[Math.floor(random() * chats.length)] ?? '1';
        const handle = handles[Math.floor(random() * handles.length)] ?? store;
        const decision = await handle.acquire({
          chatId,
          chatKind: chatId.startsWith('-') ? 'group' : 'private',
        });
        if (decision.allowed) {
          all.push(clock.now());
          sent.set(chatId, [...(sent.get(chatId) ?? []), clock.now()]);
        } else {
          expect(decision.waitMs).toBeGreaterThan(0);
        }
        clock.advance(Math.floor(random() * 150));
      }
      expect(maxInWindow(all, 1_000)).toBeLessThanOrEqual(windowBound(10, 3));
      for (const [chatId, times] of sent) {
        const budget = chatId.startsWith('-') ? limits.groupChat : limits.privateChat;
        expect(maxInWindow(times, budget.windowMs)).toBeLessThanOrEqual(
          windowBound(budget.limit, budget.burst),
        );
      }
      expect(all.length).toBeGreaterThan(200);
    });
  });
}
