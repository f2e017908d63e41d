import { createLlmRouter, type LlmStreamEvent } from '@botkeel/core';
import { createManualClock, createScriptedProvider } from '@botkeel/core/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';

const ask = { messages: [{ role: 'user' as const, content: 'Hi' }] };

async function collect<T>(events: AsyncIterable<LlmStreamEvent<T>>): Promise<LlmStreamEvent<T>[]> {
  const seen: LlmStreamEvent<T>[] = [];
  for await (const event of events) seen.push(event);
  return seen;
}

describe('LlmRouter.stream', () => {
  it('yields text deltas and a done event with the full response', async () => {
    const clock = createManualClock(0);
    const model = createScriptedProvider({ name: 'model', script: [{ reply: 'Hello there friend' }], clock });
    const router = createLlmRouter({ providers: [model], clock });
    const events = await collect(router.stream(ask));
    expect(events.filter((event) => event.type === 'delta').map((event) => event.text)).toEqual([
      'Hello ',
      'there ',
      'friend',
    ]);
    const done = events.at(-1);
    expect(done?.type).toBe('done');
    expect(done?.type === 'done' && done.response).toMatchObject({
      text: 'Hello there friend',
      provider: 'model',
      fallback: false,
      attempts: 1,
    });
  });

  it('falls back to the next provider when the first fails before its first delta', async () => {
    const clock = createManualClock(0);
    const down = createScriptedProvider({ name: 'down', script: [{ fault: 'server' }], clock });
    const up = createScriptedProvider({ name: 'up', script: [{ reply: 'from up' }], clock });
    const router = createLlmRouter({ providers: [down, up], clock, retry: { maxAttempts: 1 } });
    const events = await collect(router.stream(ask));
    expect(events.map((event) => event.type)).toEqual(['delta', 'delta', 'done']);
    expect(events.at(-1)?.type === 'done' && events.at(-1)).toMatchObject({
      response: { provider: 'up', attempts: 2 },
    });
  });

  it('surfaces a failure after the first delta as an error event, without mixing in another answer', async () => {
    const clock = createManualClock(0);
    const breaking = createScriptedProvider({
      name: 'breaking',
      script: [{ reply: 'one two three', breakAfterChunks: 1 }],
      clock,
    });
    const other = createScriptedProvider({ name: 'other', script: [{ reply: 'other answer' }], clock });
    const router = createLlmRouter({ providers: [breaking, other], clock, fallback: 'canned' });
    const events = await collect(router.stream(ask));
    expect(events.map((event) => event.type)).toEqual(['delta', 'error']);
    expect(events[0]).toEqual({ type: 'delta', text: 'one ' });
    expect(other.calls).toHaveLength(0);
  });

  it('streams the canned fallback when every provider fails before a delta', async () => {
    const clock = createManualClock(0);
    const down = createScriptedProvider({ name: 'down', script: [{ fault: 'bad-request' }], clock });
    const router = createLlmRouter({ providers: [down], clock, fallback: { replies: { en: 'Sorry!' } } });
    const events = await collect(router.stream(ask));
    expect(events).toEqual([
      { type: 'delta', text: 'Sorry!' },
      {
        type: 'done',
        response: expect.objectContaining({ fallback: true, text: 'Sorry!', attempts: 1 }) as unknown,
      },
    ]);
  });

  it('ends with an LLM_EXHAUSTED error event without a fallback', async () => {
    const clock = createManualClock(0);
    const down = createScriptedProvider({ name: 'down', script: [{ fault: 'authentication' }], clock });
    const router = createLlmRouter({ providers: [down], clock });
    const events = await collect(router.stream(ask));
    expect(events).toHaveLength(1);
    expect(events[0]?.type === 'error' && events[0].error).toMatchObject({ code: 'LLM_EXHAUSTED' });
  });

  it('uses complete() for providers without stream, and validates structured output at the end', async () => {
    const clock = createManualClock(0);
    const model = createScriptedProvider({
      name: 'model',
      script: [{ reply: '{"n":3}' }],
      clock,
      canStream: false,
    });
    const router = createLlmRouter({ providers: [model], clock });
    const events = await collect(router.stream({ ...ask, schema: z.object({ n: z.number() }) }));
    expect(events.at(-1)).toMatchObject({ type: 'done', response: { output: { n: 3 }, text: '{"n":3}' } });
    expect(model.calls[0]!.method).toBe('complete');
  });

  it('aborts the provider stream when the consumer stops early', async () => {
    const clock = createManualClock(0);
    const model = createScriptedProvider({ name: 'model', script: [{ reply: 'a b c d e f' }], clock });
    const router = createLlmRouter({ providers: [model], clock });
    for await (const event of router.stream(ask)) {
      expect(event.type).toBe('delta');
      break;
    }
    expect(model.calls).toHaveLength(1);
  });

  it('times out a provider that sends nothing and moves on', async () => {
    const clock = createManualClock(0);
    const silent = createScriptedProvider({ name: 'silent', script: [{ fault: 'hang' }], clock });
    const up = createScriptedProvider({ name: 'up', script: [{ reply: 'up' }], clock });
    const router = createLlmRouter({
      providers: [silent, up],
      clock,
      attemptTimeoutMs: 1_000,
      retry: { maxAttempts: 1 },
    });
    const collecting = collect(router.stream(ask));
    await clock.advanceAsync(1_000);
    const events = await collecting;
    expect(events.at(-1)).toMatchObject({ type: 'done', response: { provider: 'up' } });
    expect(silent.calls[0]!.wasAborted).toBe(true);
  });
});
