import {
  BotkeelError,
  type RateDecision,
  MemoryRateLimitStore,
  createManualClock,
  createRateLimiter,
} from '@botkeel/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type LogLine, SwitchableStore, capturingLogger } from './chain-fixtures.js';

const stores: SwitchableStore[] = [];
afterEach(() => {
  for (const store of stores.splice(0)) store.releaseHanging();
});

function setup(options: { whenAllFail?: 'deny' | 'allow'; failureThreshold?: number } = {}) {
  const clock = createManualClock(1_000_000);
  const primary = new SwitchableStore('primary', clock);
  const secondary = new SwitchableStore('secondary', clock);
  stores.push(primary, secondary);
  const lines: LogLine[] = [];
  const limiter = createRateLimiter({
    rules: [{ name: 'user', limit: 100, windowMs: 60_000, burst: 100 }],
    chain: [primary, secondary],
    whenAllFail: options.whenAllFail,
    breaker: { consecutiveFailures: options.failureThreshold ?? 3, halfOpenAfterMs: 250 },
    clock,
    logger: capturingLogger(lines),
  });
  return { clock, primary, secondary, lines, limiter };
}

/** Whether `promise` has settled, after letting microtasks run. */
async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return settled;
}

describe('createRateLimiter: rules and keys', () => {
  it('applies every rule to a string key and reports the deciding store', async () => {
    const clock = createManualClock(0);
    const limiter = createRateLimiter({
      rules: [{ limit: 2, windowMs: 1_000 }],
      chain: [new MemoryRateLimitStore({ clock })],
      clock,
    });
    expect(await limiter.consume('user:1')).toEqual({
      allowed: true,
      remaining: 1,
      retryAfterMs: 0,
      source: 'memory',
    });
    expect(await limiter.consume('user:1')).toEqual({
      allowed: true,
      remaining: 0,
      retryAfterMs: 0,
      source: 'memory',
    });
    expect(await limiter.consume('user:1')).toEqual({
      allowed: false,
      remaining: 0,
      retryAfterMs: 500,
      source: 'memory',
    });
    expect((await limiter.consume('user:2')).allowed).toBe(true);
  });

  it('decides per-user and global rules together, all or nothing', async () => {
    const clock = createManualClock(0);
    const limiter = createRateLimiter({
      rules: [
        { name: 'user', limit: 2, windowMs: 60_000 },
        { name: 'global', limit: 3, windowMs: 60_000 },
      ],
      chain: [new MemoryRateLimitStore({ clock })],
      clock,
    });
    const allowed: boolean[] = [];
    for (const user of ['a', 'a', 'a', 'b', 'c']) {
      allowed.push((await limiter.consume({ user, global: 'all' })).allowed);
    }
    // 'a' is denied the third time without spending a global unit, so 'b' still fits; 'c' does not.
    expect(allowed).toEqual([true, true, false, true, false]);
    // A call that names only the user rule is not held back by the global one.
    expect((await limiter.consume({ user: 'c' })).allowed).toBe(true);
  });

  it('spends cost units', async () => {
    const clock = createManualClock(0);
    const limiter = createRateLimiter({
      rules: [{ limit: 10, windowMs: 60_000 }],
      chain: [new MemoryRateLimitStore({ clock })],
      clock,
    });
    expect((await limiter.consume('k', 7)).remaining).toBe(3);
    expect((await limiter.consume('k', 4)).allowed).toBe(false);
  });

  it('rejects keys that name no rule, and a negative cost, with INVALID_OPTIONS', async () => {
    const limiter = createRateLimiter({
      rules: [{ name: 'user', limit: 1, windowMs: 1_000 }],
      chain: [new MemoryRateLimitStore()],
    });
    await expect(limiter.consume({ chat: '1' })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(limiter.consume('1', -1)).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });

  it('names the bad option', () => {
    const chain = [new MemoryRateLimitStore()];
    const rules = [{ limit: 1, windowMs: 1_000 }];
    expect(() => createRateLimiter({ rules, chain, storeTimeoutMs: -5 })).toThrow(/storeTimeoutMs/);
    expect(() => createRateLimiter({ rules, chain: [] })).toThrow(/chain/);
    expect(() => createRateLimiter({ rules: [], chain })).toThrow(/rules/);
    expect(() =>
      createRateLimiter({
        rules: [
          { name: 'a', limit: 1, windowMs: 1 },
          { name: 'a', limit: 2, windowMs: 1 },
        ],
        chain,
      }),
    ).toThrow(/unique/);
    expect(() => createRateLimiter({ rules: [{ limit: 0, windowMs: 1_000 }], chain })).toThrow(
      /rules\.0\.limit/,
    );
  });
});

describe('createRateLimiter: the fallback chain', () => {
  it('hands over to the next store when the primary throws, and logs it once', async () => {
    const { primary, lines, limiter } = setup();
    primary.mode = 'throw';
    const sources: string[] = [];
    for (let call = 0; call < 10; call += 1) sources.push((await limiter.consume('u')).source);
    expect(sources).toEqual(Array(10).fill('secondary'));
    const warnings = lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toMatchObject({ store: 'primary', reason: 'error', next: 'secondary' });
  });

  it('opens the circuit after the threshold so an outage adds no calls, then probes and comes back', async () => {
    const { clock, primary, lines, limiter } = setup({ failureThreshold: 3 });
    primary.mode = 'throw';
    for (let call = 0; call < 20; call += 1) await limiter.consume('u');
    expect(primary.calls).toBe(3);
    await clock.advanceAsync(250);
    // Half-open: one probe goes to the primary in the background; the secondary answers this call.
    expect((await limiter.consume('u')).source).toBe('secondary');
    expect(primary.calls).toBe(4);
    await clock.advanceAsync(0);
    await limiter.consume('u');
    expect(primary.calls).toBe(4); // the probe failed: open again
    primary.mode = 'answer';
    await clock.advanceAsync(250);
    expect((await limiter.consume('u')).source).toBe('secondary'); // carries the probe, which succeeds
    await clock.advanceAsync(0);
    expect((await limiter.consume('u')).source).toBe('primary');
    expect((await limiter.consume('u')).source).toBe('primary');
    expect(lines.filter((line) => line.level === 'info' && line.fields.store === 'primary')).toHaveLength(1);
    expect(lines.filter((line) => line.level === 'warn')).toHaveLength(1);
  });

  it('never makes a call wait for the probe of a hanging store', async () => {
    const { clock, primary, limiter } = setup({ failureThreshold: 1 });
    primary.mode = 'hang';
    const first = limiter.consume('u');
    await clock.advanceAsync(50);
    expect((await first).source).toBe('secondary');
    for (let round = 0; round < 4; round += 1) {
      // 50 ms for the previous probe to time out (re-opening the circuit), then the 250 ms cooldown.
      await clock.advanceAsync(300);
      const call = limiter.consume('u');
      expect(await isSettled(call)).toBe(true);
      expect((await call).source).toBe('secondary');
    }
    // Each half-open period sent exactly one probe (and the timed-out probe re-opened the circuit).
    expect(primary.calls).toBe(5);
  });

  it('awaits the probe when no later store could decide', async () => {
    const clock = createManualClock(0);
    const only = new SwitchableStore('only', clock);
    stores.push(only);
    only.mode = 'throw';
    const limiter = createRateLimiter({
      rules: [{ limit: 10, windowMs: 1_000 }],
      chain: [only],
      breaker: { consecutiveFailures: 1, halfOpenAfterMs: 250 },
      clock,
    });
    expect((await limiter.consume('u')).source).toBe('policy');
    only.mode = 'answer';
    await clock.advanceAsync(250);
    expect((await limiter.consume('u')).source).toBe('only');
  });

  it('gives a hanging store storeTimeoutMs, then lets the next store decide', async () => {
    const { clock, primary, limiter } = setup();
    primary.mode = 'hang';
    const inFlight = Array.from({ length: 20 }, () => limiter.consume('u'));
    const all = Promise.all(inFlight);
    await clock.advanceAsync(49);
    expect(await isSettled(all)).toBe(false);
    await clock.advanceAsync(1);
    const decisions: RateDecision[] = await all;
    expect(decisions.every((decision) => decision.source === 'secondary' && decision.allowed)).toBe(true);
    expect(clock.now()).toBe(1_000_050);
    // The circuit is open now: the next call does not wait at all.
    const next = limiter.consume('u');
    expect(await isSettled(next)).toBe(true);
    expect((await next).source).toBe('secondary');
  });

  it("counts each call's storeTimeoutMs from its own start, and settles it in the tick its deadline fires", async () => {
    const { clock, primary, limiter } = setup({ failureThreshold: 10 });
    primary.mode = 'hang';
    const first = limiter.consume('u');
    clock.advance(10);
    const second = limiter.consume('u');
    // The first deadline fires at 50: only microtasks run before the check (no timer, no I/O turn).
    clock.advance(40);
    let firstSettled = false;
    let secondSettled = false;
    void first.then(() => (firstSettled = true));
    void second.then(() => (secondSettled = true));
    for (let turn = 0; turn < 20; turn += 1) await Promise.resolve();
    expect([firstSettled, secondSettled]).toEqual([true, false]);
    expect((await first).source).toBe('secondary');
    clock.advance(9);
    expect(await isSettled(second)).toBe(false);
    clock.advance(1);
    for (let turn = 0; turn < 20; turn += 1) await Promise.resolve();
    expect(secondSettled).toBe(true);
    expect((await second).source).toBe('secondary');
  });

  it('reports a timeout as the reason', async () => {
    const { clock, primary, lines, limiter } = setup();
    primary.mode = 'hang';
    const pending = limiter.consume('u');
    await clock.advanceAsync(50);
    await pending;
    expect(lines.find((line) => line.level === 'warn')?.fields).toMatchObject({ reason: 'timeout' });
  });

  it('keeps counting in the fallback store with the scaled-down rule', async () => {
    const clock = createManualClock(0);
    const primary = new SwitchableStore('redis', clock);
    stores.push(primary);
    primary.mode = 'throw';
    const limiter = createRateLimiter({
      rules: [{ limit: 20, windowMs: 60_000, burst: 8 }],
      chain: [primary, { store: new MemoryRateLimitStore({ clock }), limitDivisor: 4 }],
      clock,
    });
    const allowed: boolean[] = [];
    for (let call = 0; call < 3; call += 1) allowed.push((await limiter.consume('u')).allowed);
    expect(allowed).toEqual([true, true, false]);
    const denied = await limiter.consume('u');
    // The rate is divided exactly: one unit per 60_000 × 4 / 20 = 12_000 ms (unscaled: 3_000 ms).
    expect(denied.retryAfterMs).toBe(12_000);
  });
});

describe('createRateLimiter: when every store fails', () => {
  it('denies by default, with source policy, and logs the takeover and the return once each', async () => {
    const { clock, primary, secondary, lines, limiter } = setup();
    primary.mode = 'throw';
    secondary.mode = 'throw';
    const decisions: RateDecision[] = [];
    for (let call = 0; call < 5; call += 1) decisions.push(await limiter.consume('u'));
    expect(decisions.every((decision) => !decision.allowed && decision.source === 'policy')).toBe(true);
    expect(decisions[0]).toEqual({ allowed: false, remaining: 0, retryAfterMs: 1_000, source: 'policy' });
    expect(lines.filter((line) => line.level === 'error')).toHaveLength(1);
    expect(lines.filter((line) => line.level === 'warn')).toHaveLength(2);
    secondary.mode = 'answer';
    await clock.advanceAsync(250);
    expect((await limiter.consume('u')).source).toBe('secondary');
    expect(lines.filter((line) => line.message.includes('decides again'))).toHaveLength(1);
  });

  it("allows when whenAllFail is 'allow'", async () => {
    const { clock, primary, secondary, limiter } = setup({ whenAllFail: 'allow' });
    primary.mode = 'hang';
    secondary.mode = 'throw';
    const pending = limiter.consume('u');
    await clock.advanceAsync(50);
    expect(await pending).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0, source: 'policy' });
  });
});

describe('createRateLimiter: abort', () => {
  it('rejects with ABORTED for an aborted signal and does not count it as a store failure', async () => {
    const { primary, lines, limiter } = setup();
    const controller = new AbortController();
    controller.abort();
    const error: unknown = await limiter
      .consume('u', 1, { signal: controller.signal })
      .catch((reason: unknown) => reason);
    expect(BotkeelError.hasCode(error, 'ABORTED')).toBe(true);
    expect(primary.calls).toBe(0);
    expect(lines).toHaveLength(0);
  });

  it('rejects with ABORTED when aborted while a store hangs', async () => {
    const { clock, primary, limiter } = setup();
    primary.mode = 'hang';
    const controller = new AbortController();
    const pending = limiter.consume('u', 1, { signal: controller.signal }).catch((reason: unknown) => reason);
    controller.abort();
    await clock.advanceAsync(50);
    expect(BotkeelError.hasCode(await pending, 'ABORTED')).toBe(true);
  });
});

describe('createRateLimiter: in-process stores', () => {
  it('decides with consumeSync, and hands over when an in-process store throws', async () => {
    const clock = createManualClock(0);
    const lines: LogLine[] = [];
    const memory = new MemoryRateLimitStore({ clock, name: 'local' });
    let isBroken = false;
    const broken = {
      name: 'broken-local',
      consume: () => Promise.reject(new Error('never called: consumeSync is used')),
      consumeSync: (...args: Parameters<MemoryRateLimitStore['consumeSync']>) => {
        if (isBroken) throw new Error('corrupted');
        return memory.consumeSync(...args);
      },
    };
    const limiter = createRateLimiter({
      rules: [{ limit: 2, windowMs: 60_000 }],
      chain: [broken, new MemoryRateLimitStore({ clock })],
      clock,
      logger: capturingLogger(lines),
    });
    expect(await limiter.consume('u')).toEqual({
      allowed: true,
      remaining: 1,
      retryAfterMs: 0,
      source: 'broken-local',
    });
    isBroken = true;
    expect((await limiter.consume('u')).source).toBe('memory');
    expect((await limiter.consume('u')).source).toBe('memory');
    expect(lines.filter((line) => line.level === 'warn')).toHaveLength(1);
    isBroken = false;
    expect((await limiter.consume('u')).source).toBe('broken-local');
    expect(lines.filter((line) => line.level === 'info')).toHaveLength(1);
  });

  it('rejects a rule the store cannot use with INVALID_OPTIONS instead of falling back', async () => {
    const store = new MemoryRateLimitStore();
    await expect(store.consume([{ key: 'k', rule: { limit: 0, windowMs: 1_000 } }], 1)).rejects.toMatchObject(
      {
        code: 'INVALID_OPTIONS',
      },
    );
    expect(() => store.consumeSync([{ key: 'k', rule: { limit: 1, windowMs: 1_000 } }], -1)).toThrow(/cost/);
  });
});
