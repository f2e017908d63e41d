import { silentLogger } from '@botkeel/core';
import { createManualClock } from '@botkeel/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { runPlayground } from '../src/playground/run-playground.js';

interface Step {
  name: string;
  attributes: Record<string, unknown>;
  events: string[];
}

// The whole playground on a manual clock: the debouncer, the router's hedge and the injected delay
// all wait on it, so the test moves time instead of sleeping. HTTP is real, on loopback.
describe('the playground with fault switches (manual clock)', () => {
  const clock = createManualClock(1_800_000_000_000);
  let running: Awaited<ReturnType<typeof runPlayground>>;
  let base: string;

  beforeAll(async () => {
    running = await runPlayground(readConfig({ PORT: '0' }), clock, silentLogger, { slowProviderMs: 10_000 });
    base = running.url.replace(/\/$/, '');
  });

  afterAll(async () => {
    const stopping = running.bot.stop({ deadlineMs: 5_000 });
    await clock.advanceAsync(5_000);
    await stopping;
  });

  const api = async <T>(path: string, body?: unknown): Promise<T> => {
    const response = await fetch(base + path, {
      method: body === undefined ? 'GET' : 'POST',
      headers: { 'content-type': 'application/json' },
      signal: AbortSignal.timeout(5_000),
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return (await response.json()) as T;
  };

  /** Sends `text` to chat `chat-1` and moves the clock until the bot answers; returns the trace. */
  const say = async (text: string): Promise<Step[]> => {
    const before = (await api<{ replies: unknown[] }>('/api/chats/chat-1/replies')).replies.length;
    const { traceId } = await api<{ traceId: string }>('/api/chats/chat-1/messages', { text });
    for (let step = 0; step < 200; step++) {
      await clock.advanceAsync(250);
      const { replies } = await api<{ replies: unknown[] }>('/api/chats/chat-1/replies');
      if (replies.length > before) break;
    }
    await clock.advanceAsync(1_000);
    const { traces } = await api<{ traces: { traceId: string; steps: Step[] }[] }>(
      '/api/chats/chat-1/traces',
    );
    return traces.find((trace) => trace.traceId === traceId)?.steps ?? [];
  };

  it('names the two offline demo providers', () => {
    expect(running.providers).toEqual(['offline-demo-primary', 'offline-demo-fallback']);
  });

  it('answers through the primary while every switch is off', async () => {
    await say('Привіт');
    expect(await api('/api/chats/chat-1/state')).toEqual({ state: 'STATE_1_DISCOVERY' });
    const steps = await say('Що порадите?');
    const complete = steps.find((step) => step.name === 'botkeel.llm.complete');
    expect(complete?.attributes).toMatchObject({
      'botkeel.llm.provider': 'offline-demo-primary',
      'botkeel.llm.attempts': 1,
      'playground.breakers': 'offline-demo-primary: closed, offline-demo-fallback: closed',
    });
  });

  it('"slow provider": the hedge starts the fallback after 8 s and the fallback answers', async () => {
    await api('/api/faults', { name: 'slowProvider', isOn: true });
    const steps = await say('А що ще порадите?');
    await api('/api/faults', { name: 'slowProvider', isOn: false });
    const attempts = steps.filter((step) => step.name === 'botkeel.llm.attempt');
    expect(attempts.map((step) => step.attributes)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          'botkeel.llm.provider': 'offline-demo-fallback',
          'botkeel.llm.hedge': true,
        }),
      ]),
    );
    expect(steps.find((step) => step.name === 'botkeel.llm.complete')?.attributes).toMatchObject({
      'botkeel.llm.provider': 'offline-demo-fallback',
    });
  });

  it('"Redis down": the local store decides; "Telegram 429": the reply is sent after the retry', async () => {
    await api('/api/faults', { name: 'redisDown', isOn: true });
    await api('/api/faults', { name: 'telegram429', isOn: true });
    const steps = await say('Що у вас нового?');
    await api('/api/faults', { name: 'redisDown', isOn: false });
    await api('/api/faults', { name: 'telegram429', isOn: false });
    expect(steps.find((step) => step.name === 'botkeel.ratelimit.consume')?.attributes).toMatchObject({
      'botkeel.ratelimit.source': 'local-memory',
      'botkeel.ratelimit.allowed': true,
    });
    expect(steps.find((step) => step.name === 'botkeel.channel.send')?.events).toEqual([
      'bot-api: 429 Too Many Requests',
      'bot-api: 200 sendMessage',
    ]);
  });
});
