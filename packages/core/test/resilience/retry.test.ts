import {
  AbortedError,
  BotkeelError,
  ProviderError,
  TimeoutError,
  backoffDelay,
  createSeededRandom,
  retry,
  type RetryEvent,
} from '@botkeel/core';
import { createManualClock } from '@botkeel/core/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const serverError = (): ProviderError => new ProviderError('server', 'HTTP 503', { status: 503 });

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return BotkeelError.isInstance(error) ? error.code : 'other';
  }
}

describe('retry', () => {
  it('returns the first success without waiting', async () => {
    let calls = 0;
    expect(await retry(() => Promise.resolve(++calls))).toBe(1);
    expect(calls).toBe(1);
  });

  it('makes at most 3 attempts by default, waiting jittered exponential delays', async () => {
    const clock = createManualClock(0);
    const startedAt: number[] = [];
    const retries: RetryEvent[] = [];
    const call = retry(
      () => {
        startedAt.push(clock.now());
        return Promise.reject(serverError());
      },
      { clock, baseDelayMs: 100, random: () => 0.5, onRetry: (event) => retries.push(event) },
    );
    const outcome = codeOf(call);
    await clock.runAllAsync();
    expect(await outcome).toBe('PROVIDER_ERROR');
    expect(startedAt).toEqual([0, 50, 150]);
    expect(retries.map((event) => [event.attempt, event.delayMs])).toEqual([
      [1, 50],
      [2, 100],
    ]);
  });

  it('never retries a non-retryable error', async () => {
    let calls = 0;
    const outcome = await codeOf(
      retry(() => {
        calls += 1;
        return Promise.reject(new ProviderError('bad-request', 'HTTP 400', { status: 400 }));
      }),
    );
    expect(outcome).toBe('PROVIDER_ERROR');
    expect(calls).toBe(1);
  });

  it('honours a retry-after hint, capped at maxRetryAfterMs', async () => {
    const clock = createManualClock(0);
    const startedAt: number[] = [];
    const call = retry(
      ({ attempt }) => {
        startedAt.push(clock.now());
        if (attempt === 1)
          return Promise.reject(new ProviderError('rate-limit', '429', { retryAfterMs: 2_000 }));
        if (attempt === 2)
          return Promise.reject(new ProviderError('rate-limit', '429', { retryAfterMs: 3_600_000 }));
        return Promise.resolve('done');
      },
      { clock, random: () => 0, maxRetryAfterMs: 60_000 },
    );
    await clock.runAllAsync();
    expect(await call).toBe('done');
    expect(startedAt).toEqual([0, 2_000, 62_000]);
  });

  it('stops at once when the signal aborts during a wait', async () => {
    const clock = createManualClock(0);
    const controller = new AbortController();
    let calls = 0;
    const call = retry(
      () => {
        calls += 1;
        return Promise.reject(serverError());
      },
      { clock, signal: controller.signal, baseDelayMs: 1_000, random: () => 1 },
    );
    const outcome = codeOf(call);
    await clock.advanceAsync(10);
    controller.abort();
    expect(await outcome).toBe('ABORTED');
    expect(calls).toBe(1);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('stops at once when the signal aborts during an attempt that ignores it', async () => {
    const controller = new AbortController();
    const call = retry(() => new Promise<never>(() => undefined), { signal: controller.signal });
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(AbortedError);
  });

  it('does not start a wait that would cross the deadline', async () => {
    const clock = createManualClock(0);
    let calls = 0;
    const call = retry(
      () => {
        calls += 1;
        return Promise.reject(serverError());
      },
      { clock, deadlineMs: 1_000, baseDelayMs: 2_000, random: () => 0.9 },
    );
    expect(await codeOf(call)).toBe('PROVIDER_ERROR');
    expect(calls).toBe(1);
    expect(clock.now()).toBe(0);
  });

  it('aborts a running attempt at the deadline with TIMEOUT', async () => {
    const clock = createManualClock(0);
    let seenAbort = false;
    const call = retry(
      ({ signal }) =>
        new Promise<never>(() => {
          signal?.addEventListener('abort', () => (seenAbort = true));
        }),
      { clock, deadlineMs: 500 },
    );
    const outcome = call.catch((error: unknown) => error);
    await clock.advanceAsync(500);
    const error = await outcome;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(seenAbort).toBe(true);
  });

  it('rejects invalid options naming the field', async () => {
    await expect(retry(() => Promise.resolve(1), { maxAttempts: 0 })).rejects.toThrow(/maxAttempts/);
    await expect(retry(() => Promise.resolve(1), { baseDelayMs: 10, maxDelayMs: 5 })).rejects.toThrow(
      /maxDelayMs/,
    );
  });

  it('is reproducible with a seeded random', async () => {
    const delays = async (seed: number): Promise<number[]> => {
      const clock = createManualClock(0);
      const seen: number[] = [];
      const call = codeOf(
        retry(() => Promise.reject(serverError()), {
          clock,
          maxAttempts: 5,
          random: createSeededRandom(seed),
          onRetry: (event) => seen.push(event.delayMs),
        }),
      );
      await clock.runAllAsync();
      await call;
      return seen;
    };
    expect(await delays(7)).toEqual(await delays(7));
    expect(await delays(7)).not.toEqual(await delays(8));
  });
});

describe('retry (properties)', () => {
  it('never exceeds maxAttempts nor the deadline', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.array(fc.constantFrom('fail', 'ok', 'hang', 'rate-limit'), { minLength: 1, maxLength: 10 }),
        fc.integer(),
        async (maxAttempts, deadlineMs, script, seed) => {
          const clock = createManualClock(0);
          let calls = 0;
          let settledAt: number | undefined;
          const call = retry(
            ({ attempt }) => {
              calls += 1;
              const step = script[(attempt - 1) % script.length];
              if (step === 'ok') return Promise.resolve('ok');
              if (step === 'hang') return new Promise<never>(() => undefined);
              if (step === 'rate-limit')
                return Promise.reject(new ProviderError('rate-limit', '429', { retryAfterMs: 700 }));
              return Promise.reject(serverError());
            },
            { clock, maxAttempts, deadlineMs, random: createSeededRandom(seed), baseDelayMs: 100 },
          ).finally(() => (settledAt = clock.now()));
          const outcome = codeOf(call);
          await clock.advanceAsync(deadlineMs + 1);
          await outcome;
          expect(calls).toBeLessThanOrEqual(maxAttempts);
          expect(settledAt).toBeDefined();
          expect(settledAt!).toBeLessThanOrEqual(deadlineMs);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps every backoff delay within [0, min(maxDelayMs, base * 2^(n-1))] or at the capped hint', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 10_000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        fc.option(fc.integer({ min: 0, max: 10_000_000 }), { nil: undefined }),
        (attempt, baseDelayMs, extra, random, hint) => {
          const options = {
            baseDelayMs,
            maxDelayMs: baseDelayMs + extra,
            maxRetryAfterMs: 60_000,
            random: () => random,
          };
          const error =
            hint === undefined ? new Error('x') : Object.assign(new Error('x'), { retryAfterMs: hint });
          const delay = backoffDelay(attempt, error, options);
          const ceiling = Math.min(options.maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
          expect(delay).toBeGreaterThanOrEqual(0);
          if (hint === undefined) expect(delay).toBeLessThanOrEqual(ceiling);
          else {
            expect(delay).toBeGreaterThanOrEqual(Math.min(hint, 60_000));
            expect(delay).toBeLessThanOrEqual(Math.max(ceiling, Math.min(hint, 60_000)));
          }
        },
      ),
    );
  });
});
