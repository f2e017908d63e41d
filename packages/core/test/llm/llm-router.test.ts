import {
  BotkeelError,
  LlmExhaustedError,
  createLlmRouter,
  createSeededRandom,
  type LlmResponse,
} from '@botkeel/core';
import { createManualClock, createScriptedProvider, type ManualClock } from '@botkeel/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const ask = { messages: [{ role: 'user' as const, content: 'Hi' }] };

async function settle<T>(clock: ManualClock, promise: Promise<T>, stepMs = 100, maxMs = 300_000): Promise<T> {
  let isDone = false;
  const tracked = promise.finally(() => (isDone = true));
  tracked.catch(() => undefined);
  for (let elapsed = 0; !isDone && elapsed <= maxMs; elapsed += stepMs) await clock.advanceAsync(stepMs);
  return tracked;
}

describe('createLlmRouter', () => {
  it('answers from the first provider with usage, model and one attempt', async () => {
    const clock = createManualClock(0);
    const primary = createScriptedProvider({
      name: 'primary',
      script: [{ reply: 'Hello', usage: { promptTokens: 3, completionTokens: 1 } }],
      clock,
    });
    const secondary = createScriptedProvider({ name: 'secondary', script: [{ reply: 'Other' }], clock });
    const router = createLlmRouter({ providers: [primary, secondary], clock });
    const response = await router.complete(ask);
    expect(response).toEqual({
      text: 'Hello',
      output: undefined,
      usage: { promptTokens: 3, completionTokens: 1 },
      provider: 'primary',
      model: 'scripted-1',
      attempts: 1,
      fallback: false,
    } satisfies LlmResponse);
    expect(secondary.calls).toHaveLength(0);
  });

  it('retries a 429 after its retry-after, then answers', async () => {
    const clock = createManualClock(0);
    const primary = createScriptedProvider({
      name: 'primary',
      script: [{ fault: 'rate-limit', retryAfterMs: 2_000 }, { reply: 'after wait' }],
      clock,
    });
    const router = createLlmRouter({ providers: [primary], clock, retry: { random: () => 0 } });
    const response = await settle(clock, router.complete(ask));
    expect(response.text).toBe('after wait');
    expect(response.attempts).toBe(2);
    expect(primary.calls.map((call) => call.startedAtMs)).toEqual([0, 2_000]);
  });

  it('moves on to the next provider after the retries of a failing one', async () => {
    const clock = createManualClock(0);
    const primary = createScriptedProvider({ name: 'primary', script: [{ fault: 'server' }], clock });
    const secondary = createScriptedProvider({
      name: 'secondary',
      script: [{ reply: 'from secondary' }],
      clock,
    });
    const router = createLlmRouter({
      providers: [primary, secondary],
      clock,
      retry: { maxAttempts: 3, random: () => 0.5 },
    });
    const response = await settle(clock, router.complete(ask));
    expect(response.provider).toBe('secondary');
    expect(primary.calls).toHaveLength(3);
    expect(response.attempts).toBe(4);
  });

  it('moves on at once after a non-retryable fault, and fails fast when configured', async () => {
    const clock = createManualClock(0);
    const bad = createScriptedProvider({ name: 'bad', script: [{ fault: 'bad-request' }], clock });
    const good = createScriptedProvider({ name: 'good', script: [{ reply: 'ok' }], clock });
    const router = createLlmRouter({ providers: [bad, good], clock });
    expect((await router.complete(ask)).provider).toBe('good');
    expect(bad.calls).toHaveLength(1);

    const strict = createLlmRouter({ providers: [bad, good], clock, onNonRetryable: 'fail-fast' });
    const error = await strict.complete(ask).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(LlmExhaustedError);
    expect(good.calls).toHaveLength(1);
  });

  it('answers the canned fallback in the request language when everything fails', async () => {
    const clock = createManualClock(0);
    const down = createScriptedProvider({ name: 'down', script: [{ fault: 'server' }], clock });
    const router = createLlmRouter({
      providers: [down],
      clock,
      retry: { maxAttempts: 2, random: () => 0 },
      fallback: { replies: { en: 'One moment please.', de: 'Einen Moment bitte.' }, defaultLanguage: 'en' },
    });
    const german = await settle(clock, router.complete({ ...ask, language: 'de-AT' }));
    expect(german).toMatchObject({
      text: 'Einen Moment bitte.',
      fallback: true,
      provider: 'fallback',
      attempts: 2,
    });
    const unknown = await settle(clock, router.complete({ ...ask, language: 'fr' }));
    expect(unknown.text).toBe('One moment please.');
  });

  it('rejects with LLM_EXHAUSTED listing every attempt when no fallback is configured', async () => {
    const clock = createManualClock(0);
    const first = createScriptedProvider({ name: 'first', script: [{ fault: 'server' }], clock });
    const second = createScriptedProvider({ name: 'second', script: [{ fault: 'authentication' }], clock });
    const router = createLlmRouter({ providers: [first, second], clock, retry: { maxAttempts: 1 } });
    const error = (await router.complete(ask).catch((failure: unknown) => failure)) as LlmExhaustedError;
    expect(BotkeelError.hasCode(error, 'LLM_EXHAUSTED')).toBe(true);
    expect(error.attempts.map((attempt) => [attempt.provider, attempt.outcome, attempt.message])).toEqual([
      ['first', 'failure', 'server 500'],
      ['second', 'failure', 'authentication 401'],
    ]);
    expect(error.message).toContain('first#1 failure');
  });

  it('skips a provider whose breaker is open without calling it', async () => {
    const clock = createManualClock(0);
    const flaky = createScriptedProvider({ name: 'flaky', script: [{ fault: 'server' }], clock });
    const backup = createScriptedProvider({ name: 'backup', script: [{ reply: 'backup' }], clock });
    const router = createLlmRouter({
      providers: [flaky, backup],
      clock,
      retry: { maxAttempts: 1 },
      breaker: { consecutiveFailures: 2, halfOpenAfterMs: 10_000 },
    });
    await router.complete(ask);
    await router.complete(ask);
    expect(router.breakers.get('flaky')?.state).toBe('open');
    const response = await router.complete(ask);
    expect(response.provider).toBe('backup');
    expect(response.attempts).toBe(1);
    expect(flaky.calls).toHaveLength(2);
  });

  it('puts a provider in cooldown after a 429 that asks for more than maxRetryAfterMs', async () => {
    const clock = createManualClock(0);
    const limited = createScriptedProvider({
      name: 'limited',
      script: [{ fault: 'rate-limit', retryAfterMs: 120_000 }, { reply: 'limited ok' }],
      clock,
    });
    const other = createScriptedProvider({ name: 'other', script: [{ reply: 'other' }], clock });
    const router = createLlmRouter({
      providers: [limited, other],
      clock,
      retry: { maxRetryAfterMs: 60_000 },
    });
    expect((await router.complete(ask)).provider).toBe('other');
    expect((await router.complete(ask)).provider).toBe('other');
    expect(limited.calls).toHaveLength(1);
    clock.advance(120_000);
    expect((await router.complete(ask)).provider).toBe('limited');
  });

  it('waits for a cooldown that ends before the deadline when no other provider is left', async () => {
    const clock = createManualClock(0);
    const only = createScriptedProvider({
      name: 'only',
      script: [{ fault: 'rate-limit', retryAfterMs: 90_000 }, { reply: 'later' }],
      clock,
    });
    const router = createLlmRouter({
      providers: [only],
      clock,
      deadlineMs: 120_000,
      retry: { maxRetryAfterMs: 60_000 },
    });
    const response = await settle(clock, router.complete(ask), 1_000);
    expect(response.text).toBe('later');
    expect(only.calls.map((call) => call.startedAtMs)).toEqual([0, 90_000]);
  });

  it('respects the deadline: a hanging provider is aborted and the fallback answers at the deadline', async () => {
    const clock = createManualClock(0);
    const hanging = createScriptedProvider({ name: 'hanging', script: [{ fault: 'hang' }], clock });
    const router = createLlmRouter({
      providers: [hanging],
      clock,
      attemptTimeoutMs: 60_000,
      deadlineMs: 5_000,
      fallback: 'Sorry',
    });
    let answeredAt = -1;
    const response = await settle(
      clock,
      router.complete(ask).finally(() => (answeredAt = clock.now())),
      100,
    );
    expect(response.fallback).toBe(true);
    expect(answeredAt).toBe(5_000);
    expect(hanging.calls[0]!.wasAborted).toBe(true);
  });

  it('times out a slow attempt and retries it', async () => {
    const clock = createManualClock(0);
    const slow = createScriptedProvider({
      name: 'slow',
      script: [{ reply: 'slow', delayMs: 10_000 }, { reply: 'fast' }],
      clock,
    });
    const router = createLlmRouter({
      providers: [slow],
      clock,
      attemptTimeoutMs: 1_000,
      retry: { random: () => 0 },
    });
    const response = await settle(clock, router.complete(ask));
    expect(response.text).toBe('fast');
    expect(slow.calls[0]!.wasAborted).toBe(true);
  });

  it('hedges: starts the next provider when the first is slow, takes the first answer, aborts the other', async () => {
    const clock = createManualClock(0);
    const slow = createScriptedProvider({ name: 'slow', script: [{ reply: 'slow', delayMs: 5_000 }], clock });
    const quick = createScriptedProvider({
      name: 'quick',
      script: [{ reply: 'quick', delayMs: 200 }],
      clock,
    });
    const router = createLlmRouter({ providers: [slow, quick], clock, hedgeAfterMs: 1_000 });
    let answeredAt = -1;
    const response = await settle(
      clock,
      router.complete(ask).finally(() => (answeredAt = clock.now())),
    );
    expect(response.provider).toBe('quick');
    expect(answeredAt).toBe(1_200);
    expect(quick.calls[0]!.startedAtMs).toBe(1_000);
    expect(slow.calls[0]!.wasAborted).toBe(true);
    expect(response.attempts).toBe(2);
  });

  it('does not hedge when the first provider answers in time', async () => {
    const clock = createManualClock(0);
    const first = createScriptedProvider({
      name: 'first',
      script: [{ reply: 'first', delayMs: 500 }],
      clock,
    });
    const second = createScriptedProvider({ name: 'second', script: [{ reply: 'second' }], clock });
    const router = createLlmRouter({ providers: [first, second], clock, hedgeAfterMs: 1_000 });
    expect((await settle(clock, router.complete(ask))).provider).toBe('first');
    await clock.advanceAsync(5_000);
    expect(second.calls).toHaveLength(0);
  });

  it('parses structured output and repairs an invalid reply once with the validation error', async () => {
    const clock = createManualClock(0);
    const schema = z.object({ intent: z.enum(['buy', 'ask']), quantity: z.number().int() });
    const model = createScriptedProvider({
      name: 'model',
      script: [
        { reply: '{"intent":"buy","quantity":"two"}' },
        { reply: '```json\n{"intent":"buy","quantity":2}\n```' },
      ],
      clock,
    });
    const router = createLlmRouter({ providers: [model], clock });
    const response = await router.complete({ ...ask, schema });
    expect(response.output).toEqual({ intent: 'buy', quantity: 2 });
    expect(response.attempts).toBe(2);
    const repair = model.calls[1]!.request.messages;
    expect(repair.at(-2)).toEqual({ role: 'assistant', content: '{"intent":"buy","quantity":"two"}' });
    expect(repair.at(-1)?.content).toContain('quantity');
  });

  it('counts output that stays invalid after the repair as a failure and moves on', async () => {
    const clock = createManualClock(0);
    const schema = z.object({ ok: z.boolean() });
    const broken = createScriptedProvider({ name: 'broken', script: [{ fault: 'malformed-json' }], clock });
    const sound = createScriptedProvider({ name: 'sound', script: [{ reply: '{"ok":true}' }], clock });
    const router = createLlmRouter({
      providers: [broken, sound],
      clock,
      breaker: { consecutiveFailures: 1 },
    });
    const response = await router.complete({ ...ask, schema });
    expect(response).toMatchObject({ provider: 'sound', output: { ok: true }, attempts: 3 });
    expect(broken.calls).toHaveLength(2);
    expect(router.breakers.get('broken')?.state).toBe('closed');
  });

  it('keeps a usage ledger per conversation and overall', async () => {
    const clock = createManualClock(0);
    const model = createScriptedProvider({
      name: 'model',
      script: [{ reply: 'a', usage: { promptTokens: 5, completionTokens: 2 } }],
      clock,
    });
    const router = createLlmRouter({ providers: [model], clock });
    await router.complete({ ...ask, conversationId: 'chat-1' });
    await router.complete({ ...ask, conversationId: 'chat-1' });
    await router.complete({ ...ask, conversationId: 'chat-2' });
    expect(router.usage('chat-1')).toEqual([
      { provider: 'model', model: 'scripted-1', promptTokens: 10, completionTokens: 4, calls: 2 },
    ]);
    expect(router.usage()).toEqual([
      { provider: 'model', model: 'scripted-1', promptTokens: 15, completionTokens: 6, calls: 3 },
    ]);
    expect(router.usage('nobody')).toEqual([]);
  });

  it('rejects with ABORTED when the caller aborts, aborting the provider call', async () => {
    const clock = createManualClock(0);
    const hanging = createScriptedProvider({ name: 'hanging', script: [{ fault: 'hang' }], clock });
    const router = createLlmRouter({ providers: [hanging], clock, fallback: 'never used on abort' });
    const controller = new AbortController();
    const call = router.complete(ask, { signal: controller.signal });
    await clock.advanceAsync(10);
    controller.abort();
    await expect(call).rejects.toMatchObject({ code: 'ABORTED' });
    await clock.advanceAsync(0);
    expect(hanging.calls[0]!.wasAborted).toBe(true);
  });

  it('rejects invalid options naming the field', () => {
    const provider = createScriptedProvider({ script: [{ reply: 'x' }] });
    expect(() => createLlmRouter({ providers: [] })).toThrow(/providers/);
    expect(() => createLlmRouter({ providers: [provider, provider] })).toThrow(/unique/);
    expect(() => createLlmRouter({ providers: [provider], deadlineMs: 0 })).toThrow(/deadlineMs/);
    expect(() => createLlmRouter({ providers: [provider], hedgeAfterMs: -5 })).toThrow(/hedgeAfterMs/);
  });

  it('is deterministic with a seeded random', async () => {
    const run = async (): Promise<number[]> => {
      const clock = createManualClock(0);
      const provider = createScriptedProvider({
        name: 'p',
        script: [{ fault: 'server' }, { fault: 'server' }, { reply: 'ok' }],
        clock,
      });
      const router = createLlmRouter({
        providers: [provider],
        clock,
        retry: { maxAttempts: 3, random: createSeededRandom(3) },
      });
      await settle(clock, router.complete(ask), 10);
      return provider.calls.map((call) => call.startedAtMs);
    };
    expect(await run()).toEqual(await run());
  });
});
