import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock, MemoryFloodControl } from '@botkeel/core';
import { createStreamingReply, createTelegramClient } from '@botkeel/adapter-telegram';
import { startTelegramSimulator, type TelegramSimulator } from '@botkeel/adapter-telegram/testing';

let telegram: TelegramSimulator;
let clock: ManualClock;

beforeEach(async () => {
  clock = createManualClock(1_700_000_000_000);
  telegram = await startTelegramSimulator({ clock });
});
afterEach(() => telegram.close());

const roomy = { limit: 1_000, windowMs: 1_000, burst: 1_000 };
const makeClient = () =>
  createTelegramClient({
    token: telegram.token,
    apiRoot: telegram.apiRoot,
    clock,
    requestTimeoutMs: 3_600_000,
    flood: new MemoryFloodControl({ clock, limits: { global: roomy, privateChat: roomy } }),
  });

/** Lets real I/O settle, then moves the manual clock by `ms`. */
async function step(ms: number): Promise<void> {
  for (let round = 0; round < 20; round += 1) await new Promise((resolve) => setTimeout(resolve, 1));
  await clock.advanceAsync(ms);
  for (let round = 0; round < 20; round += 1) await new Promise((resolve) => setTimeout(resolve, 1));
}

describe('createStreamingReply', () => {
  it('posts a placeholder, edits it at most once per interval, and finishes with the full formatted text', async () => {
    const reply = createStreamingReply({
      client: makeClient(),
      chatId: '42',
      clock,
      minEditIntervalMs: 1_000,
      format: 'markdown',
    });
    const startedAt = clock.now();
    for (let index = 0; index < 50; index += 1) {
      reply.push(index === 0 ? '**Hello** ' : `w${index} `);
      await step(100);
    }
    const sent = await reply.finish();
    const elapsedMs = clock.now() - startedAt;
    const edits = telegram.callsOf('editMessageText').filter((call) => call.status === 200);
    expect(sent).toHaveLength(1);
    expect(telegram.callsOf('sendMessage')[0]!.params['text']).toBe('…');
    // 5 s of deltas at 1 edit/s, plus the final edit.
    expect(edits.length).toBeLessThanOrEqual(Math.floor(elapsedMs / 1_000) + 1);
    expect(edits.length).toBeGreaterThanOrEqual(3);
    const times = edits.map((call) => call.at);
    for (let index = 1; index < times.length - 1; index += 1)
      expect(times[index]! - times[index - 1]!).toBeGreaterThanOrEqual(1_000);
    const final = telegram.messages('42')[0]!;
    expect(final.text).toBe(`Hello ${Array.from({ length: 49 }, (_, index) => `w${index + 1}`).join(' ')} `);
    expect(edits.at(-1)!.params['entities']).toEqual([{ type: 'bold', offset: 0, length: 5 }]);
  });

  it('continues past 4,096 units in new messages', async () => {
    const reply = createStreamingReply({ client: makeClient(), chatId: '42', clock });
    const paragraph = `${'word '.repeat(300)}\n\n`;
    for (let index = 0; index < 6; index += 1) {
      reply.push(paragraph);
      await step(500);
    }
    const sent = await reply.finish();
    const texts = telegram.messages('42').map((message) => message.text);
    expect(sent.length).toBe(texts.length);
    expect(texts.length).toBeGreaterThan(1);
    expect(texts.join('')).toBe(paragraph.repeat(6));
  });
});
