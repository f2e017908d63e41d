import { createLlmRouter, type LlmStreamEvent } from '@botkeel/core';
import { openAiProvider } from '@botkeel/core/openai';
import {
  type FakeOpenAIServer,
  type ManualClock,
  createManualClock,
  startFakeOpenAI,
} from '@botkeel/core/testing';
import { afterEach, describe, expect, it } from 'vitest';

const ask = { messages: [{ role: 'user' as const, content: 'Hi' }] };
const servers: FakeOpenAIServer[] = [];

async function start(...args: Parameters<typeof startFakeOpenAI>): Promise<FakeOpenAIServer> {
  const server = await startFakeOpenAI(...args);
  servers.push(server);
  return server;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const realPause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Drives a manual clock while real HTTP happens underneath. */
async function drive<T>(clock: ManualClock, promise: Promise<T>, stepMs: number): Promise<T> {
  let isDone = false;
  const tracked = promise.finally(() => (isDone = true));
  tracked.catch(() => undefined);
  for (let round = 0; !isDone && round < 2_000; round += 1) {
    await realPause(2);
    await clock.advanceAsync(stepMs);
  }
  return tracked;
}

describe('createLlmRouter with openAiProvider against the fake OpenAI server', () => {
  it('429 then success: waits the retry-after on the router clock, then answers', async () => {
    const clock = createManualClock(0);
    const server = await start({
      script: [{ status: 429, retryAfterMs: 2_000 }, { reply: 'after the wait' }],
    });
    const router = createLlmRouter({
      providers: [openAiProvider({ baseURL: server.baseURL, apiKey: 'k', model: 'm', clock })],
      clock,
      retry: { random: () => 0 },
    });
    const response = await drive(clock, router.complete(ask), 100);
    expect(response).toMatchObject({
      text: 'after the wait',
      provider: 'openai',
      attempts: 2,
      fallback: false,
    });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[1]!.receivedAtMs - server.requests[0]!.receivedAtMs).toBeGreaterThanOrEqual(0);
  });

  it('primary down: the second provider answers', async () => {
    const primary = await start({ script: [{ status: 503 }] });
    const secondary = await start({ script: [{ reply: 'secondary here' }] });
    const router = createLlmRouter({
      providers: [
        openAiProvider({ name: 'primary', baseURL: primary.baseURL, apiKey: 'k', model: 'm' }),
        openAiProvider({ name: 'secondary', baseURL: secondary.baseURL, apiKey: 'k', model: 'm' }),
      ],
      retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
    });
    const response = await router.complete(ask);
    expect(response).toMatchObject({ text: 'secondary here', provider: 'secondary', attempts: 3 });
    expect(primary.requests).toHaveLength(2);
  });

  it('all down: the canned fallback answers', async () => {
    const primary = await start({ script: [{ status: 500 }] });
    const secondary = await start({ script: [{ reset: true }] });
    const router = createLlmRouter({
      providers: [
        openAiProvider({ name: 'primary', baseURL: primary.baseURL, apiKey: 'k', model: 'm' }),
        openAiProvider({ name: 'secondary', baseURL: secondary.baseURL, apiKey: 'k', model: 'm' }),
      ],
      retry: { maxAttempts: 1 },
      fallback: { replies: { en: 'We will get back to you.' } },
    });
    expect(await router.complete(ask)).toMatchObject({
      text: 'We will get back to you.',
      fallback: true,
      attempts: 2,
    });
  });

  it('hedging: the faster provider wins and the server sees the slower request aborted', async () => {
    const slow = await start({ script: [{ reply: 'slow', delayMs: 10_000 }] });
    const fast = await start({ script: [{ reply: 'fast', delayMs: 20 }] });
    const router = createLlmRouter({
      providers: [
        openAiProvider({ name: 'slow', baseURL: slow.baseURL, apiKey: 'k', model: 'm' }),
        openAiProvider({ name: 'fast', baseURL: fast.baseURL, apiKey: 'k', model: 'm' }),
      ],
      hedgeAfterMs: 100,
    });
    const startedAt = Date.now();
    const response = await router.complete(ask);
    expect(response.provider).toBe('fast');
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    await slow.waitForAborts(1);
    expect(slow.requests[0]!.wasAborted).toBe(true);
    expect(fast.requests[0]!.wasAborted).toBe(false);
  });

  it('the attempt timeout really aborts the HTTP request, then the next provider answers', async () => {
    const hanging = await start({ script: [{ hang: true }] });
    const backup = await start({ script: [{ reply: 'backup' }] });
    const router = createLlmRouter({
      providers: [
        openAiProvider({ name: 'hanging', baseURL: hanging.baseURL, apiKey: 'k', model: 'm' }),
        openAiProvider({ name: 'backup', baseURL: backup.baseURL, apiKey: 'k', model: 'm' }),
      ],
      attemptTimeoutMs: 150,
      retry: { maxAttempts: 1 },
    });
    expect((await router.complete(ask)).provider).toBe('backup');
    await hanging.waitForAborts(1);
    expect(hanging.abortCount).toBe(1);
  });

  it('respects the deadline with a generous bound and answers the fallback', async () => {
    const hanging = await start({ script: [{ hang: true }] });
    const router = createLlmRouter({
      providers: [openAiProvider({ baseURL: hanging.baseURL, apiKey: 'k', model: 'm' })],
      attemptTimeoutMs: 10_000,
      deadlineMs: 300,
      fallback: 'canned',
    });
    const startedAt = Date.now();
    expect((await router.complete(ask)).fallback).toBe(true);
    const elapsedMs = Date.now() - startedAt;
    expect(elapsedMs).toBeGreaterThanOrEqual(290);
    expect(elapsedMs).toBeLessThan(3_000);
    await hanging.waitForAborts(1);
  });

  it('streaming falls back before the first delta only', async () => {
    const broken = await start({ script: [{ status: 500 }] });
    const healthy = await start({ script: [{ reply: 'streamed reply here' }] });
    const router = createLlmRouter({
      providers: [
        openAiProvider({ name: 'broken', baseURL: broken.baseURL, apiKey: 'k', model: 'm' }),
        openAiProvider({ name: 'healthy', baseURL: healthy.baseURL, apiKey: 'k', model: 'm' }),
      ],
      retry: { maxAttempts: 1 },
    });
    const events: LlmStreamEvent[] = [];
    for await (const event of router.stream(ask)) events.push(event);
    expect(
      events
        .filter((event) => event.type === 'delta')
        .map((event) => event.text)
        .join(''),
    ).toBe('streamed reply here');
    expect(events.at(-1)).toMatchObject({ type: 'done', response: { provider: 'healthy' } });

    const midway = await start({ script: [{ reply: 'one two three four', breakAfterChunks: 2 }] });
    const spare = await start({ script: [{ reply: 'spare' }] });
    const midwayRouter = createLlmRouter({
      providers: [
        openAiProvider({ name: 'midway', baseURL: midway.baseURL, apiKey: 'k', model: 'm' }),
        openAiProvider({ name: 'spare', baseURL: spare.baseURL, apiKey: 'k', model: 'm' }),
      ],
      retry: { maxAttempts: 1 },
      fallback: 'canned',
    });
    const midwayEvents: LlmStreamEvent[] = [];
    for await (const event of midwayRouter.stream(ask)) midwayEvents.push(event);
    expect(midwayEvents.map((event) => event.type)).toEqual(['delta', 'delta', 'error']);
    expect(midwayEvents.slice(0, 2).map((event) => (event.type === 'delta' ? event.text : ''))).toEqual([
      'one ',
      'two ',
    ]);
    expect(spare.requests).toHaveLength(0);
  });
});
