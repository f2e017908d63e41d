import { MemoryBreakerStateStore, createLlmRouter } from '@botkeel/core';
import { createManualClock, createScriptedProvider } from '@botkeel/core/testing';
import { describe, expect, it } from 'vitest';

const ask = { messages: [{ role: 'user' as const, content: 'Hi' }] };

describe('createLlmRouter with a shared BreakerStateStore (two instances)', () => {
  it("one instance's 429 cooldown makes the other skip that provider until it ends", async () => {
    const clock = createManualClock(0);
    const store = new MemoryBreakerStateStore({ clock });
    const limitedFirst = createScriptedProvider({
      name: 'limited',
      script: [{ fault: 'rate-limit', retryAfterMs: 300_000 }],
      clock,
    });
    const limitedSecond = createScriptedProvider({ name: 'limited', script: [{ reply: 'limited' }], clock });
    const spare = createScriptedProvider({ name: 'spare', script: [{ reply: 'spare' }], clock });
    const first = createLlmRouter({ providers: [limitedFirst, spare], clock, store });
    const second = createLlmRouter({ providers: [limitedSecond, spare], clock, store });
    expect((await first.complete(ask)).provider).toBe('spare');
    await clock.advanceAsync(0);
    expect(await store.readCooldown('llm-cooldown:limited')).toBe(300_000);
    await second.sync();
    const skipped = await second.complete(ask);
    expect(skipped.provider).toBe('spare');
    expect(limitedSecond.calls).toHaveLength(0);
    clock.advance(300_000);
    expect((await second.complete(ask)).provider).toBe('limited');
    expect(limitedSecond.calls).toHaveLength(1);
  });

  it("one instance's open breaker is seen by the other, which skips the provider without calling it", async () => {
    const clock = createManualClock(0);
    const store = new MemoryBreakerStateStore({ clock });
    const make = () => {
      const flaky = createScriptedProvider({ name: 'flaky', script: [{ fault: 'server' }], clock });
      const spare = createScriptedProvider({ name: 'spare', script: [{ reply: 'spare' }], clock });
      const router = createLlmRouter({
        providers: [flaky, spare],
        clock,
        store,
        retry: { maxAttempts: 1 },
        breaker: { consecutiveFailures: 2, halfOpenAfterMs: 60_000, syncIntervalMs: 500 },
      });
      return { flaky, router };
    };
    const first = make();
    const second = make();
    await second.router.sync();
    await first.router.complete(ask);
    await first.router.complete(ask);
    expect(first.router.breakers.get('flaky')!.state).toBe('open');
    await clock.advanceAsync(0);
    clock.advance(500);
    await second.router.sync();
    expect(second.router.breakers.get('flaky')!.state).toBe('open');
    const response = await second.router.complete(ask);
    expect(response.provider).toBe('spare');
    expect(second.flaky.calls).toHaveLength(0);
  });
});
