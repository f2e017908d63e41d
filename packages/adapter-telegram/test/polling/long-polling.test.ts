import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Ack, type BotMessage, createManualClock, type ManualClock } from '@botkeel/core';
import { createLongPolling, createTelegramClient } from '@botkeel/adapter-telegram';
import { startTelegramSimulator, type TelegramSimulator } from '@botkeel/adapter-telegram/testing';

let telegram: TelegramSimulator;
let clock: ManualClock;

beforeEach(async () => {
  clock = createManualClock(1_700_000_000_000);
  telegram = await startTelegramSimulator({ clock, maxLongPollMs: 20 });
});
afterEach(() => telegram.close());

const update = (text: string) => ({
  message: {
    message_id: 1,
    date: 1,
    chat: { id: 5, type: 'private' },
    from: { id: 5, is_bot: false, first_name: 'U' },
    text,
  },
});

async function until(condition: () => boolean, clockToo = false): Promise<void> {
  for (let round = 0; round < 2_000 && !condition(); round += 1) {
    await new Promise((resolve) => setTimeout(resolve, 2));
    const next = clock.nextTimerAt();
    // Move the clock only to backoff timers (request timeouts lie a long way ahead).
    if (clockToo && next !== undefined && next - clock.now() <= 60_000) clock.advance(next - clock.now());
  }
  expect(condition()).toBe(true);
}

const client = () =>
  createTelegramClient({
    token: telegram.token,
    apiRoot: telegram.apiRoot,
    clock,
    retry: { maxAttempts: 1 },
    requestTimeoutMs: 3_600_000,
  });

describe('createLongPolling', () => {
  it('hands updates to the bot in order and advances the offset after each accepted one', async () => {
    const seen: BotMessage[] = [];
    const polling = createLongPolling({
      bot: { handle: (message) => (seen.push(message), Promise.resolve<Ack>({ status: 'accepted' })) },
      client: client(),
      clock,
      timeoutSeconds: 1,
    });
    telegram.enqueueUpdate(update('one'));
    telegram.enqueueUpdate(update('two'));
    polling.start();
    await until(() => seen.length === 2);
    telegram.enqueueUpdate(update('three'));
    await until(() => seen.length === 3);
    await polling.stop();
    expect(polling.isRunning).toBe(false);
    expect(seen.map((message) => message.text)).toEqual(['one', 'two', 'three']);
    expect(seen.map((message) => message.updateKey)).toEqual(['tg:123456:1', 'tg:123456:2', 'tg:123456:3']);
    expect(polling.offset).toBe(4);
    const offsets = telegram.callsOf('getUpdates').map((call) => call.params['offset']);
    expect(offsets[0]).toBeUndefined();
    expect(offsets).toContain(3);
  });

  it('does not move past an update the bot could not accept; it comes again after a backoff', async () => {
    const answers: Ack['status'][] = ['unavailable', 'accepted', 'accepted'];
    const seen: string[] = [];
    const polling = createLongPolling({
      bot: {
        handle: (message) => (
          seen.push(message.text),
          Promise.resolve<Ack>({ status: answers.shift() ?? 'accepted' })
        ),
      },
      client: client(),
      clock,
      timeoutSeconds: 1,
      backoffMs: 1_000,
    });
    telegram.enqueueUpdate(update('first'));
    telegram.enqueueUpdate(update('second'));
    polling.start();
    await until(() => seen.length === 1);
    const before = clock.now();
    await until(() => seen.length === 3, true);
    await polling.stop();
    expect(seen).toEqual(['first', 'first', 'second']);
    expect(clock.now() - before).toBeGreaterThanOrEqual(1_000);
  });

  it('backs off exponentially on failed polls and recovers', async () => {
    telegram.inject({
      method: 'getUpdates',
      times: 3,
      answer: { errorCode: 502, description: 'Bad Gateway' },
    });
    const seen: string[] = [];
    const polling = createLongPolling({
      bot: { handle: (message) => (seen.push(message.text), Promise.resolve<Ack>({ status: 'accepted' })) },
      client: client(),
      clock,
      timeoutSeconds: 1,
      backoffMs: 100,
    });
    telegram.enqueueUpdate(update('after the outage'));
    const startedAt = clock.now();
    polling.start();
    await until(() => seen.length === 1, true);
    await polling.stop();
    expect(seen).toEqual(['after the outage']);
    // 100 + 200 + 400 ms of backoff before the fourth poll succeeded.
    expect(clock.now() - startedAt).toBeGreaterThanOrEqual(700);
    expect(
      telegram
        .callsOf('getUpdates')
        .slice(0, 4)
        .map((call) => call.status),
    ).toEqual([502, 502, 502, 200]);
  });

  it('skips invalid updates instead of getting stuck on them', async () => {
    const seen: string[] = [];
    const polling = createLongPolling({
      bot: { handle: (message) => (seen.push(message.text), Promise.resolve<Ack>({ status: 'accepted' })) },
      client: client(),
      clock,
      timeoutSeconds: 1,
    });
    telegram.enqueueUpdate({ message: { message_id: -1, text: 'broken' } });
    telegram.enqueueUpdate(update('fine'));
    polling.start();
    await until(() => seen.length === 1);
    await polling.stop();
    expect(seen).toEqual(['fine']);
  });
});
