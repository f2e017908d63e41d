import {
  BotkeelError,
  CircuitOpenError,
  type CircuitStateChange,
  MemoryBreakerStateStore,
  ProviderError,
  createCircuitBreaker,
} from '@botkeel/core';
import { createManualClock } from '@botkeel/core/testing';
import { describe, expect, it } from 'vitest';

const fault = (): Promise<never> => Promise.reject(new ProviderError('server', 'HTTP 503', { status: 503 }));
const inputError = (): Promise<never> =>
  Promise.reject(new ProviderError('bad-request', 'HTTP 400', { status: 400 }));
const ok = (): Promise<string> => Promise.resolve('ok');

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return BotkeelError.isInstance(error) ? error.code : 'other';
  }
}

describe('createCircuitBreaker', () => {
  it('opens after the configured consecutive faults and refuses without calling', async () => {
    const clock = createManualClock(0);
    const breaker = createCircuitBreaker({ consecutiveFailures: 3, halfOpenAfterMs: 1_000, clock });
    for (let index = 0; index < 2; index += 1)
      expect(await outcome(breaker.execute(fault))).toBe('PROVIDER_ERROR');
    expect(breaker.state).toBe('closed');
    expect(await outcome(breaker.execute(fault))).toBe('PROVIDER_ERROR');
    expect(breaker.state).toBe('open');
    let calls = 0;
    const refusal = await breaker.execute(() => Promise.resolve(calls++)).catch((error: unknown) => error);
    expect(calls).toBe(0);
    expect(refusal).toBeInstanceOf(CircuitOpenError);
    expect((refusal as CircuitOpenError).retryAfterMs).toBe(1_000);
    expect((refusal as CircuitOpenError).breaker).toBe('default');
  });

  it('a success resets the consecutive count', async () => {
    const breaker = createCircuitBreaker({ consecutiveFailures: 2, clock: createManualClock(0) });
    await outcome(breaker.execute(fault));
    await breaker.execute(ok);
    await outcome(breaker.execute(fault));
    expect(breaker.state).toBe('closed');
    await outcome(breaker.execute(fault));
    expect(breaker.state).toBe('open');
  });

  it('ignores errors the classifier does not call faults (input errors, aborts)', async () => {
    const breaker = createCircuitBreaker({ consecutiveFailures: 1, clock: createManualClock(0) });
    for (let index = 0; index < 5; index += 1) await outcome(breaker.execute(inputError));
    const controller = new AbortController();
    const aborted = breaker.execute(() => {
      controller.abort();
      return Promise.reject(new Error('boom after abort'));
    }, controller.signal);
    expect(await outcome(aborted)).toBe('other');
    expect(breaker.state).toBe('closed');
    const custom = createCircuitBreaker({
      consecutiveFailures: 1,
      isFault: () => false,
      clock: createManualClock(0),
    });
    await outcome(custom.execute(fault));
    expect(custom.state).toBe('closed');
  });

  it('goes half-open after halfOpenAfterMs, lets a bounded number of probes through, closes on success', async () => {
    const clock = createManualClock(0);
    const breaker = createCircuitBreaker({
      consecutiveFailures: 1,
      halfOpenAfterMs: 500,
      halfOpenMaxProbes: 2,
      clock,
    });
    await outcome(breaker.execute(fault));
    clock.advance(499);
    expect(breaker.state).toBe('open');
    clock.advance(1);
    expect(breaker.state).toBe('half-open');
    const releases: Array<() => void> = [];
    const probe = (): Promise<string> =>
      breaker.execute(() => new Promise<string>((resolve) => releases.push(() => resolve('probe'))));
    const first = probe();
    const second = probe();
    expect(await outcome(breaker.execute(ok))).toBe('CIRCUIT_OPEN');
    expect(breaker.isCallPermitted()).toBe(false);
    releases[0]!();
    expect(await first).toBe('probe');
    expect(breaker.state).toBe('closed');
    releases[1]!();
    expect(await second).toBe('probe');
    expect(breaker.state).toBe('closed');
  });

  it('re-opens when a probe fails and waits a full period again', async () => {
    const clock = createManualClock(0);
    const breaker = createCircuitBreaker({ consecutiveFailures: 1, halfOpenAfterMs: 500, clock });
    await outcome(breaker.execute(fault));
    clock.advance(500);
    expect(await outcome(breaker.execute(fault))).toBe('PROVIDER_ERROR');
    expect(breaker.state).toBe('open');
    clock.advance(499);
    expect(breaker.state).toBe('open');
    clock.advance(1);
    expect(breaker.state).toBe('half-open');
  });

  it('a non-fault probe failure frees the slot and keeps the circuit half-open', async () => {
    const clock = createManualClock(0);
    const breaker = createCircuitBreaker({ consecutiveFailures: 1, halfOpenAfterMs: 10, clock });
    await outcome(breaker.execute(fault));
    clock.advance(10);
    await outcome(breaker.execute(inputError));
    expect(breaker.state).toBe('half-open');
    expect(breaker.isCallPermitted()).toBe(true);
  });

  it('ignores late outcomes of calls started before a transition', async () => {
    const clock = createManualClock(0);
    const breaker = createCircuitBreaker({ consecutiveFailures: 1, halfOpenAfterMs: 10, clock });
    let release: () => void = () => undefined;
    const slow = breaker.execute(() => new Promise<string>((resolve) => (release = () => resolve('late'))));
    await outcome(breaker.execute(fault));
    expect(breaker.state).toBe('open');
    release();
    await slow;
    expect(breaker.state).toBe('open');
  });

  it('opens on a failure rate over a count window only once the minimum volume is reached', async () => {
    const breaker = createCircuitBreaker({
      failureRate: { threshold: 0.5, minimumVolume: 4, window: { kind: 'count', size: 4 } },
      clock: createManualClock(0),
    });
    await outcome(breaker.execute(fault));
    await outcome(breaker.execute(fault));
    await outcome(breaker.execute(fault));
    expect(breaker.state).toBe('closed');
    await breaker.execute(ok);
    expect(breaker.state).toBe('closed');
    await outcome(breaker.execute(fault));
    expect(breaker.state).toBe('open');
  });

  it('forgets failures that slid out of a time window', async () => {
    const clock = createManualClock(0);
    const breaker = createCircuitBreaker({
      failureRate: {
        threshold: 0.6,
        minimumVolume: 3,
        window: { kind: 'time', durationMs: 1_000, buckets: 10 },
      },
      clock,
    });
    await outcome(breaker.execute(fault));
    await outcome(breaker.execute(fault));
    clock.advance(1_000);
    await breaker.execute(ok);
    await breaker.execute(ok);
    await outcome(breaker.execute(fault));
    expect(breaker.state).toBe('closed');
    clock.advance(200);
    await outcome(breaker.execute(fault));
    expect(breaker.state).toBe('closed');
    await outcome(breaker.execute(fault));
    expect(breaker.state).toBe('open');
  });

  it('emits noun-verb events in order and unsubscribes', async () => {
    const clock = createManualClock(0);
    const breaker = createCircuitBreaker({
      name: 'llm',
      consecutiveFailures: 1,
      halfOpenAfterMs: 100,
      clock,
    });
    const seen: CircuitStateChange[] = [];
    const opened: string[] = [];
    const stop = breaker.on('state-change', (change) => seen.push(change));
    breaker.on('circuit-open', (change) => opened.push(change.breaker));
    breaker.on('circuit-close', () => {
      throw new Error('a broken listener must not break the breaker');
    });
    await outcome(breaker.execute(fault));
    clock.advance(150);
    await breaker.execute(ok);
    expect(seen.map((change) => [change.from, change.to, change.atMs])).toEqual([
      ['closed', 'open', 0],
      ['open', 'half-open', 100],
      ['half-open', 'closed', 150],
    ]);
    expect(opened).toEqual(['llm']);
    stop();
    breaker.reset();
    await outcome(breaker.execute(fault));
    expect(seen).toHaveLength(3);
  });

  it('exports its state and a new breaker restores it', async () => {
    const clock = createManualClock(1_000);
    const breaker = createCircuitBreaker({
      consecutiveFailures: 2,
      failureRate: { threshold: 0.9, minimumVolume: 10, window: { kind: 'count', size: 10 } },
      halfOpenAfterMs: 500,
      clock,
    });
    await breaker.execute(ok);
    await outcome(breaker.execute(fault));
    const halfway = breaker.toJSON();
    expect(halfway).toEqual({
      version: 1,
      state: 'closed',
      changedAtMs: 0,
      openedAtMs: 0,
      consecutiveFailures: 1,
      window: { kind: 'count', outcomes: [0, 1] },
    });
    const restored = createCircuitBreaker({
      consecutiveFailures: 2,
      halfOpenAfterMs: 500,
      clock,
      initialState: halfway,
    });
    await outcome(restored.execute(fault));
    expect(restored.state).toBe('open');
    const json = JSON.parse(JSON.stringify(restored)) as ReturnType<typeof restored.toJSON>;
    clock.advance(200);
    const again = createCircuitBreaker({ halfOpenAfterMs: 500, clock, initialState: json });
    expect(again.state).toBe('open');
    clock.advance(300);
    expect(again.state).toBe('half-open');
  });

  it('rejects invalid options naming the field', () => {
    expect(() => createCircuitBreaker({ consecutiveFailures: 0 })).toThrow(/consecutiveFailures/);
    expect(() =>
      createCircuitBreaker({
        failureRate: { threshold: 1.5, minimumVolume: 1, window: { kind: 'count', size: 5 } },
      }),
    ).toThrow(/failureRate\.threshold/);
    expect(() => createCircuitBreaker({ halfOpenAfterMs: -1 })).toThrow(/halfOpenAfterMs/);
  });

  it('rejects an already aborted call without calling fn', async () => {
    const breaker = createCircuitBreaker();
    const controller = new AbortController();
    controller.abort();
    let calls = 0;
    expect(await outcome(breaker.execute(() => Promise.resolve(calls++), controller.signal))).toBe('ABORTED');
    expect(calls).toBe(0);
  });
});

describe('createCircuitBreaker with a shared BreakerStateStore', () => {
  it("one instance's open circuit is seen by another within syncIntervalMs", async () => {
    const clock = createManualClock(10_000);
    const store = new MemoryBreakerStateStore({ clock });
    const options = {
      name: 'openai',
      consecutiveFailures: 1,
      halfOpenAfterMs: 5_000,
      syncIntervalMs: 1_000,
      store,
      clock,
    };
    const first = createCircuitBreaker({ ...options, instanceId: 'a' });
    const second = createCircuitBreaker({ ...options, instanceId: 'b' });
    await second.sync();
    await outcome(first.execute(fault));
    await Promise.resolve();
    expect((await store.read('openai'))?.state).toBe('open');
    expect(second.isCallPermitted()).toBe(true);
    clock.advance(1_000);
    second.isCallPermitted();
    await clock.advanceAsync(0);
    expect(second.state).toBe('open');
    expect(await outcome(second.execute(ok))).toBe('CIRCUIT_OPEN');
    clock.advance(4_000);
    expect(second.state).toBe('half-open');
    await second.execute(ok);
    expect(second.state).toBe('closed');
    await clock.advanceAsync(0);
    await first.sync();
    expect(first.state).toBe('closed');
  });

  it('keeps working on local state when the store fails', async () => {
    const clock = createManualClock(0);
    const warnings: string[] = [];
    const failing = {
      read: () => Promise.reject(new Error('down')),
      write: () => Promise.reject(new Error('down')),
      readCooldown: () => Promise.reject(new Error('down')),
      extendCooldown: () => Promise.reject(new Error('down')),
    };
    const logger = {
      trace: () => undefined,
      debug: () => undefined,
      info: () => undefined,
      warn: (_object: object | string, message?: string) => void warnings.push(message ?? ''),
      error: () => undefined,
      fatal: () => undefined,
      child: () => logger,
    };
    const breaker = createCircuitBreaker({ consecutiveFailures: 1, store: failing, clock, logger });
    expect(await breaker.execute(ok)).toBe('ok');
    await outcome(breaker.execute(fault));
    await clock.advanceAsync(0);
    expect(breaker.state).toBe('open');
    expect(warnings).toContain('circuit breaker: shared state unreadable');
    expect(warnings).toContain('circuit breaker: shared state not written');
  });
});
