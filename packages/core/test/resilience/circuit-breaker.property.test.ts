import { BotkeelError, type CircuitState, ProviderError, createCircuitBreaker } from '@botkeel/core';
import { createManualClock } from '@botkeel/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

type Step =
  { kind: 'fault' } | { kind: 'success' } | { kind: 'input-error' } | { kind: 'advance'; ms: number };

interface Config {
  consecutiveFailures: number;
  rate: { threshold: number; minimumVolume: number; size: number } | undefined;
  halfOpenAfterMs: number;
}

/** The state table, written independently of the implementation. */
class BreakerModel {
  state: CircuitState = 'closed';
  consecutive = 0;
  openedAt = 0;
  window: number[] = [];
  constructor(readonly config: Config) {}

  observe(now: number): CircuitState {
    if (this.state === 'open' && now >= this.openedAt + this.config.halfOpenAfterMs) this.state = 'half-open';
    return this.state;
  }

  /** Returns whether the call ran (false: refused with CIRCUIT_OPEN). */
  call(kind: 'fault' | 'success' | 'input-error', now: number): boolean {
    const state = this.observe(now);
    if (state === 'open') return false;
    if (state === 'half-open') {
      if (kind === 'success') this.close();
      if (kind === 'fault') this.open(now);
      return true;
    }
    if (kind === 'input-error') return true;
    if (kind === 'success') {
      this.consecutive = 0;
      this.record(0);
      return true;
    }
    this.consecutive += 1;
    this.record(1);
    const rate = this.config.rate;
    const failures = this.window.reduce((sum, value) => sum + value, 0);
    const rateExceeded =
      rate !== undefined &&
      this.window.length >= rate.minimumVolume &&
      failures / this.window.length >= rate.threshold;
    if (this.consecutive >= this.config.consecutiveFailures || rateExceeded) this.open(now);
    return true;
  }

  private record(value: number): void {
    if (this.config.rate === undefined) return;
    this.window.push(value);
    if (this.window.length > this.config.rate.size) this.window.shift();
  }

  private open(now: number): void {
    this.state = 'open';
    this.openedAt = now;
  }

  private close(): void {
    this.state = 'closed';
    this.consecutive = 0;
    this.window = [];
  }
}

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.constant<Step>({ kind: 'fault' }) },
  { weight: 3, arbitrary: fc.constant<Step>({ kind: 'success' }) },
  { weight: 1, arbitrary: fc.constant<Step>({ kind: 'input-error' }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 2_000 }).map((ms): Step => ({ kind: 'advance', ms })) },
);

const configArbitrary: fc.Arbitrary<Config> = fc.record({
  consecutiveFailures: fc.integer({ min: 1, max: 6 }),
  rate: fc.option(
    fc
      .record({
        threshold: fc.constantFrom(0.25, 0.5, 0.75, 1),
        minimumVolume: fc.integer({ min: 1, max: 8 }),
        size: fc.integer({ min: 1, max: 8 }),
      })
      .map((rate) => ({ ...rate, minimumVolume: Math.min(rate.minimumVolume, rate.size) })),
    { nil: undefined },
  ),
  halfOpenAfterMs: fc.integer({ min: 1, max: 1_500 }),
});

describe('circuit breaker state table (property)', () => {
  it('follows the model for any sequence of outcomes and clock advances', async () => {
    await fc.assert(
      fc.asyncProperty(configArbitrary, fc.array(stepArbitrary, { maxLength: 60 }), async (config, steps) => {
        const clock = createManualClock(0);
        const breaker = createCircuitBreaker({
          consecutiveFailures: config.consecutiveFailures,
          failureRate:
            config.rate === undefined
              ? undefined
              : {
                  threshold: config.rate.threshold,
                  minimumVolume: config.rate.minimumVolume,
                  window: { kind: 'count', size: config.rate.size },
                },
          halfOpenAfterMs: config.halfOpenAfterMs,
          clock,
        });
        const model = new BreakerModel(config);
        for (const step of steps) {
          if (step.kind === 'advance') {
            clock.advance(step.ms);
          } else {
            let ran = false;
            const result = await breaker
              .execute(() => {
                ran = true;
                if (step.kind === 'success') return Promise.resolve('ok');
                return Promise.reject(
                  step.kind === 'fault'
                    ? new ProviderError('server', 'HTTP 500', { status: 500 })
                    : new ProviderError('bad-request', 'HTTP 400', { status: 400 }),
                );
              })
              .then(
                () => 'ok',
                (error: unknown) => (BotkeelError.isInstance(error) ? error.code : 'other'),
              );
            const expectedRan = model.call(step.kind, clock.now());
            expect(ran).toBe(expectedRan);
            if (!expectedRan) expect(result).toBe('CIRCUIT_OPEN');
          }
          expect(breaker.state).toBe(model.observe(clock.now()));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never lets more than halfOpenMaxProbes concurrent probes through', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 1, max: 20 }),
        async (maxProbes, callers) => {
          const clock = createManualClock(0);
          const breaker = createCircuitBreaker({
            consecutiveFailures: 1,
            halfOpenAfterMs: 10,
            halfOpenMaxProbes: maxProbes,
            clock,
          });
          await breaker.execute(() => Promise.reject(new Error('down'))).catch(() => undefined);
          clock.advance(10);
          let running = 0;
          const releases: Array<() => void> = [];
          const calls = Array.from({ length: callers }, () =>
            breaker
              .execute(() => {
                running += 1;
                return new Promise<void>((resolve) => releases.push(resolve));
              })
              .catch(() => undefined),
          );
          expect(running).toBe(Math.min(maxProbes, callers));
          for (const release of releases) release();
          await Promise.all(calls);
          expect(breaker.state).toBe('closed');
        },
      ),
      { numRuns: 100 },
    );
  });
});
