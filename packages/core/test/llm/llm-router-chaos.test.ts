import { createLlmRouter, createSeededRandom } from '@botkeel/core';
import { createManualClock, createScriptedProvider, type ScriptStep } from '@botkeel/core/testing';
import { describe, expect, it } from 'vitest';

describe('LLM router chaos', () => {
  it('1,000 calls with 30% random faults on the primary: every call answers within the deadline, the breaker opens and recovers', async () => {
    const clock = createManualClock(0);
    const random = createSeededRandom(2026);
    const faults: ScriptStep[] = [
      { fault: 'server' },
      { fault: 'rate-limit', retryAfterMs: 400 },
      { fault: 'hang' },
      { fault: 'connection' },
      { reply: 'too slow', delayMs: 5_000 },
    ];
    const primary = createScriptedProvider({
      name: 'primary',
      clock,
      script: () =>
        random() < 0.3
          ? (faults[Math.floor(random() * faults.length)] as ScriptStep)
          : { reply: 'primary', delayMs: 40 },
    });
    const secondary = createScriptedProvider({
      name: 'secondary',
      clock,
      script: () => (random() < 0.1 ? { fault: 'server' } : { reply: 'secondary', delayMs: 80 }),
    });
    const deadlineMs = 3_000;
    const router = createLlmRouter({
      providers: [primary, secondary],
      clock,
      retry: { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 400, random: createSeededRandom(7) },
      breaker: { consecutiveFailures: 3, halfOpenAfterMs: 1_500 },
      attemptTimeoutMs: 1_000,
      deadlineMs,
      fallback: 'canned',
    });
    const transitions: string[] = [];
    router.breakers.get('primary')!.on('state-change', (change) => transitions.push(change.to));

    const answeredBy = { primary: 0, secondary: 0, fallback: 0 };
    let slowestMs = 0;
    let attempts = 0;
    for (let index = 0; index < 1_000; index += 1) {
      const startedAt = clock.now();
      let finishedAt: number | undefined;
      const call = router
        .complete({ messages: [{ role: 'user', content: `question ${index}` }] })
        .finally(() => {
          finishedAt = clock.now();
        });
      while (finishedAt === undefined && clock.now() - startedAt <= deadlineMs + 100)
        await clock.advanceAsync(20);
      const response = await call;
      answeredBy[response.provider as keyof typeof answeredBy] += 1;
      attempts += response.attempts;
      slowestMs = Math.max(slowestMs, finishedAt! - startedAt);
      clock.advance(50);
    }

    const opened = transitions.filter((to) => to === 'open').length;
    const closed = transitions.filter((to) => to === 'closed').length;
    console.log(
      `chaos: 1000 calls, answered by primary ${answeredBy.primary}, secondary ${answeredBy.secondary}, fallback ${answeredBy.fallback}; ` +
        `provider calls ${attempts}; slowest ${slowestMs} ms (deadline ${deadlineMs}); breaker opened ${opened}x, closed ${closed}x`,
    );
    expect(answeredBy.primary + answeredBy.secondary + answeredBy.fallback).toBe(1_000);
    expect(slowestMs).toBeLessThanOrEqual(deadlineMs);
    expect(opened).toBeGreaterThan(0);
    expect(closed).toBeGreaterThan(0);
    expect(answeredBy.primary).toBeGreaterThan(500);
  });
});
