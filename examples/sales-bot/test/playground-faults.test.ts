import {
  BotkeelError,
  MemoryRateLimitStore,
  ProviderError,
  createLlmRouter,
  createRateLimiter,
  silentLogger,
} from '@botkeel/core';
import { createManualClock, createScriptedProvider } from '@botkeel/core/testing';
import { createTelegramClient } from '@botkeel/adapter-telegram';
import { describe, expect, it } from 'vitest';
import { withProviderFaults } from '../src/playground/faults/fault-injecting-provider.js';
import { withRateLimitStoreFaults } from '../src/playground/faults/fault-injecting-rate-limit-store.js';
import { createFaultSwitches, isFaultName } from '../src/playground/faults/fault-switches.js';
import { createPlaygroundBotApi } from '../src/playground/faults/playground-bot-api.js';
import { createPlaygroundChannel } from '../src/playground/playground-channel.js';

const request = { messages: [{ role: 'user' as const, content: 'hi' }] };

describe('fault switches', () => {
  it('start off, flip one at a time and name only known switches', () => {
    const faults = createFaultSwitches();
    expect(Object.values(faults.snapshot())).toEqual([false, false, false, false]);
    faults.set('redisDown', true);
    expect(faults.snapshot()).toMatchObject({ redisDown: true, primaryLlmFailing: false });
    faults.set('redisDown', false);
    expect(faults.isOn('redisDown')).toBe(false);
    expect(isFaultName('telegram429')).toBe(true);
    expect(isFaultName('constructor')).toBe(false);
  });
});

describe('withProviderFaults', () => {
  it('passes calls through while off, fails with a retryable server fault while on', async () => {
    const clock = createManualClock();
    let isFailing = false;
    const provider = withProviderFaults(
      createScriptedProvider({ name: 'primary', script: [{ reply: 'hello' }], clock }),
      { isFailing: () => isFailing, delayMs: () => 0, clock },
    );
    expect(provider.name).toBe('primary');
    expect((await provider.complete(request, new AbortController().signal)).text).toBe('hello');
    isFailing = true;
    const failure = await provider
      .complete(request, new AbortController().signal)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure).toMatchObject({ kind: 'server', retryable: true, status: 503 });
  });

  it('answers only after the injected delay on the clock, and stops waiting when aborted', async () => {
    const clock = createManualClock();
    const provider = withProviderFaults(
      createScriptedProvider({ name: 'slow', script: [{ reply: 'late' }], clock }),
      { isFailing: () => false, delayMs: () => 5_000, clock },
    );
    let answer: string | undefined;
    void provider.complete(request, new AbortController().signal).then((completion) => {
      answer = completion.text;
    });
    await clock.advanceAsync(4_999);
    expect(answer).toBeUndefined();
    await clock.advanceAsync(1);
    expect(answer).toBe('late');

    const controller = new AbortController();
    const pending = provider.complete(request, controller.signal);
    controller.abort();
    await expect(pending).rejects.toSatisfy((error) => BotkeelError.hasCode(error, 'ABORTED'));
  });

  it('makes the router answer from the fallback provider while the primary is failing', async () => {
    const clock = createManualClock();
    let isFailing = true;
    const router = createLlmRouter({
      providers: [
        withProviderFaults(
          createScriptedProvider({ name: 'offline-demo-primary', script: [{ reply: 'p' }], clock }),
          {
            isFailing: () => isFailing,
            delayMs: () => 0,
            clock,
          },
        ),
        createScriptedProvider({ name: 'offline-demo-fallback', script: [{ reply: 'f' }], clock }),
      ],
      retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 10 },
      clock,
      logger: silentLogger,
    });
    const pending = router.complete(request);
    await clock.advanceAsync(1_000);
    expect(await pending).toMatchObject({ provider: 'offline-demo-fallback', text: 'f' });
    isFailing = false;
    const next = router.complete(request);
    await clock.advanceAsync(1_000);
    expect(await next).toMatchObject({ provider: 'offline-demo-primary' });
  });
});

describe('withRateLimitStoreFaults', () => {
  it('hands the decision to the next store of the chain while "Redis" is down, and back after', async () => {
    const clock = createManualClock();
    let isDown = false;
    const limiter = createRateLimiter({
      rules: [{ limit: 100, windowMs: 60_000 }],
      chain: [
        withRateLimitStoreFaults(new MemoryRateLimitStore({ clock }), {
          name: 'redis-demo',
          isDown: () => isDown,
        }),
        new MemoryRateLimitStore({ clock, name: 'local-memory' }),
      ],
      breaker: { halfOpenAfterMs: 250 },
      clock,
      logger: silentLogger,
    });
    expect(await limiter.consume('user-1')).toMatchObject({ allowed: true, source: 'redis-demo' });
    isDown = true;
    expect(await limiter.consume('user-1')).toMatchObject({ allowed: true, source: 'local-memory' });
    isDown = false;
    await clock.advanceAsync(1_000);
    // The half-open probe runs in the background while the fallback decides; then the primary is back.
    await limiter.consume('user-1');
    await clock.advanceAsync(10);
    expect(await limiter.consume('user-1')).toMatchObject({ source: 'redis-demo' });
  });

  it('fails every call with STORE_UNAVAILABLE and no synchronous path while down', async () => {
    const store = withRateLimitStoreFaults(new MemoryRateLimitStore({ clock: createManualClock() }), {
      isDown: () => true,
    });
    expect(store.name).toBe('memory');
    expect(store.consumeSync).toBeUndefined();
    await expect(store.consume([{ key: 'k', rule: { limit: 1, windowMs: 1_000 } }], 1)).rejects.toSatisfy(
      (error) => BotkeelError.hasCode(error, 'STORE_UNAVAILABLE'),
    );
  });
});

describe('the playground Bot API', () => {
  it('delivers sends of the real Telegram client into the outbox, buttons included', async () => {
    const clock = createManualClock();
    const outbox = createPlaygroundChannel();
    const api = createPlaygroundBotApi({ outbox, isThrottled: () => false });
    const client = createTelegramClient({ token: '1:test', fetch: api.fetch, clock, logger: silentLogger });
    await client.send({ chatId: 'web-1', text: 'Hello', buttons: [{ text: 'Yes', data: 'yes' }] });
    expect(outbox.repliesAfter('web-1', 0)).toEqual([
      { sequence: 1, text: 'Hello', buttons: [{ text: 'Yes', data: 'yes' }] },
    ]);
  });

  it('answers the first attempt of each message with 429 retry_after while throttled; the client retries after it', async () => {
    const clock = createManualClock();
    const outbox = createPlaygroundChannel();
    const answers: number[] = [];
    const api = createPlaygroundBotApi({ outbox, isThrottled: () => true, retryAfterSeconds: 2 });
    const client = createTelegramClient({
      token: '1:test',
      fetch: async (url, init) => {
        const response = await api.fetch(url, init);
        answers.push(response.status);
        return response;
      },
      clock,
      random: () => 0,
      logger: silentLogger,
    });
    let isSent = false;
    void client.send({ chatId: 'web-1', text: 'Hello' }).then(() => {
      isSent = true;
    });
    await clock.advanceAsync(1_999);
    expect(answers).toEqual([429]);
    expect(isSent).toBe(false);
    await clock.advanceAsync(100);
    expect(answers).toEqual([429, 200]);
    expect(isSent).toBe(true);
    expect(outbox.repliesAfter('web-1', 0).map((reply) => reply.text)).toEqual(['Hello']);
  });
});
