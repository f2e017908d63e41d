import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BotkeelError,
  createManualClock,
  createSafeFetch,
  type Logger,
  type ManualClock,
  MemoryFloodControl,
} from '@botkeel/core';
import {
  createTelegramClient,
  type TelegramClientOptions,
  TelegramApiError,
} from '@botkeel/adapter-telegram';
import { startTelegramSimulator, type TelegramSimulator } from '@botkeel/adapter-telegram/testing';
import { drive } from '../drive.js';

let telegram: TelegramSimulator;
let clock: ManualClock;

beforeEach(async () => {
  clock = createManualClock(1_700_000_000_000);
  telegram = await startTelegramSimulator({ clock });
});
afterEach(() => telegram.close());

const makeClient = (options: Partial<TelegramClientOptions> = {}) =>
  createTelegramClient({
    token: telegram.token,
    apiRoot: telegram.apiRoot,
    clock,
    requestTimeoutMs: 3_600_000,
    random: () => 0.5,
    ...options,
  });

const tooManyRequests = (retryAfterSeconds: number) => ({
  errorCode: 429,
  description: `Too Many Requests: retry after ${retryAfterSeconds}`,
  retryAfterSeconds,
});

describe('createTelegramClient', () => {
  it('sends a message and answers its id', async () => {
    const client = makeClient();
    const sent = await drive(clock, client.sendMessage('42', 'hello'));
    expect(sent).toEqual([{ chatId: '42', messageId: 1 }]);
    expect(telegram.messages('42').map((message) => message.text)).toEqual(['hello']);
  });

  it('honours a 429 retry_after for every pending send to that chat, in order, and only that chat', async () => {
    const flood = new MemoryFloodControl({ clock });
    const client = makeClient({ flood });
    const other = makeClient({ flood });
    const startedAt = clock.now();
    telegram.inject({ method: 'sendMessage', chatId: '1', answer: tooManyRequests(5) });
    const all = Promise.all([
      client.sendMessage('1', 'a'),
      client.sendMessage('1', 'b'),
      client.sendMessage('1', 'c'),
      client.sendMessage('2', 'x'),
    ]);
    // Another instance sharing the flood control sends to the paused chat while the cooldown runs.
    const late = (async () => {
      while (telegram.callsOf('sendMessage').every((call) => call.status !== 429)) {
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return other.sendMessage('1', 'd');
    })();
    await drive(clock, Promise.all([all, late]));
    const chatOne = telegram.messages('1');
    // One instance keeps its order; the other instance's send may go first once the cooldown ends.
    expect(chatOne.map((message) => message.text).filter((text) => text !== 'd')).toEqual(['a', 'b', 'c']);
    expect(chatOne.map((message) => message.text).sort()).toEqual(['a', 'b', 'c', 'd']);
    for (const message of chatOne) expect(message.at - startedAt).toBeGreaterThanOrEqual(5_000);
    expect(telegram.messages('2')[0]!.at - startedAt).toBeLessThan(1_000);
    expect(telegram.callsOf('sendMessage').filter((call) => call.status === 429)).toHaveLength(1);
  });

  it('fails with RETRY_AFTER_TOO_LONG beyond the cap instead of blocking for hours', async () => {
    const client = makeClient({ retry: { maxRetryAfterMs: 30_000 } });
    telegram.inject({ method: 'sendMessage', answer: tooManyRequests(3_600) });
    const error = await drive(clock, client.sendMessage('42', 'hi')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TelegramApiError);
    expect(error).toMatchObject({
      code: 'RETRY_AFTER_TOO_LONG',
      method: 'sendMessage',
      errorCode: 429,
      retryAfterMs: 3_600_000,
    });
    expect(telegram.callsOf('sendMessage')).toHaveLength(1);
  });

  it('refuses to wait out a shared cooldown above the cap, and bounds the wait for flood budget', async () => {
    const flood = new MemoryFloodControl({ clock });
    await flood.pause({ chatId: '42' }, 7_200_000);
    const client = makeClient({ flood, maxQueueWaitMs: 10_000 });
    const paused = await drive(clock, client.sendMessage('42', 'hi')).catch((caught: unknown) => caught);
    expect(paused).toMatchObject({ code: 'RETRY_AFTER_TOO_LONG', retryAfterMs: 7_200_000 });
    await flood.pause({ chatId: '-5' }, 0);
    await drive(clock, client.sendMessage('-5', 'first'));
    // Groups get 20 messages a minute: the next slot is 3 s away, then 6 s, … past the 10 s bound.
    const results = await drive(
      clock,
      Promise.allSettled([1, 2, 3, 4, 5].map((index) => client.sendMessage('-5', `more ${index}`))),
    );
    expect(results.map((result) => result.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'rejected',
    ]);
    expect((results[3] as PromiseRejectedResult).reason).toMatchObject({ code: 'TIMEOUT' });
    expect(telegram.callsOf('sendMessage')).toHaveLength(4);
  });

  it('retries 5xx and dropped connections with backoff, then succeeds', async () => {
    const client = makeClient();
    telegram.inject({ method: 'sendMessage', answer: { errorCode: 502, description: 'Bad Gateway' } });
    telegram.inject({ method: 'sendMessage', answer: 'network' });
    const startedAt = clock.now();
    await drive(clock, client.sendMessage('42', 'eventually'));
    expect(telegram.callsOf('sendMessage').map((call) => call.status)).toEqual([502, 0, 200]);
    // Full jitter with random() = 0.5: 250 ms after the first failure, 500 ms after the second.
    expect(telegram.messages('42')[0]!.at - startedAt).toBe(750);
  });

  it('gives up after maxAttempts with a retryable TELEGRAM_API_ERROR', async () => {
    const client = makeClient({ retry: { maxAttempts: 3 } });
    telegram.inject({
      method: 'sendMessage',
      times: Infinity,
      answer: { errorCode: 500, description: 'Internal Server Error' },
    });
    const error = await drive(clock, client.sendMessage('42', 'never')).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'TELEGRAM_API_ERROR', errorCode: 500, retryable: true });
    expect(telegram.callsOf('sendMessage')).toHaveLength(3);
  });

  it('re-sends as clean plain text when Telegram cannot parse the entities', async () => {
    const client = makeClient();
    await drive(clock, client.sendMessage('42', 'Price: *2.50* \\(sale\\)', { format: 'MarkdownV2' }));
    await drive(clock, client.sendMessage('42', '<b>Tom &amp; Jerry</b> & <i>friends', { format: 'HTML' }));
    expect(telegram.callsOf('sendMessage').map((call) => call.status)).toEqual([400, 200, 400, 200]);
    const texts = telegram.messages('42').map((message) => [message.text, message.parseMode]);
    expect(texts).toEqual([
      ['Price: 2.50 (sale)', undefined],
      ['Tom & Jerry & friends', undefined],
    ]);
  });

  it('sends valid MarkdownV2 and HTML untouched', async () => {
    const client = makeClient();
    await drive(clock, client.sendMessage('42', '*bold* 2\\.50', { format: 'MarkdownV2' }));
    expect(telegram.messages('42')[0]).toMatchObject({ text: '*bold* 2\\.50', parseMode: 'MarkdownV2' });
  });

  it('converts LLM markdown to entities, so it never needs a fallback', async () => {
    const client = makeClient();
    await drive(clock, client.sendMessage('42', '**Price:** 2.50 _today_', { format: 'markdown' }));
    expect(telegram.messages('42')[0]).toMatchObject({
      text: 'Price: 2.50 today',
      entities: [
        { type: 'bold', offset: 0, length: 6 },
        { type: 'italic', offset: 12, length: 5 },
      ],
    });
  });

  it('turns a 403 into CHAT_UNREACHABLE without retrying, and reports the chat', async () => {
    const unreachable: string[] = [];
    const client = makeClient({ onChatUnreachable: (chatId) => void unreachable.push(chatId) });
    telegram.blockChat('13');
    const error = await drive(clock, client.sendMessage('13', 'hello?')).catch((caught: unknown) => caught);
    expect(BotkeelError.hasCode(error, 'CHAT_UNREACHABLE')).toBe(true);
    expect(error).toMatchObject({
      retryable: false,
      errorCode: 403,
      description: 'Forbidden: bot was blocked by the user',
    });
    expect(telegram.callsOf('sendMessage')).toHaveLength(1);
    expect(unreachable).toEqual(['13']);
  });

  it('splits a long answer into parts of at most 4096 units that concatenate back', async () => {
    const client = makeClient();
    const paragraph = 'Sentence one is here. '.repeat(60).trim();
    const text = Array.from({ length: 8 }, (_, index) => `${index}: ${paragraph}`).join('\n\n');
    const sent = await drive(clock, client.sendMessage('42', text));
    const parts = telegram.messages('42').map((message) => message.text);
    expect(sent.length).toBe(parts.length);
    expect(parts.length).toBeGreaterThan(2);
    expect(parts.join('')).toBe(text);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(4_096);
    for (const part of parts.slice(0, -1)) expect(part.endsWith('\n\n')).toBe(true);
  });

  it('performs a send with an idempotency key once, even when replayed', async () => {
    const client = makeClient();
    const first = await drive(clock, client.sendMessage('42', 'once', { idempotencyKey: 'batch-1:0' }));
    const replay = await drive(clock, client.sendMessage('42', 'once', { idempotencyKey: 'batch-1:0' }));
    await drive(clock, client.send({ chatId: '42', text: 'via channel', idempotencyKey: 'batch-2:0' }));
    await drive(clock, client.send({ chatId: '42', text: 'via channel', idempotencyKey: 'batch-2:0' }));
    expect(replay).toEqual(first);
    expect(telegram.messages('42').map((message) => message.text)).toEqual(['once', 'via channel']);
  });

  it('never puts the token in an error or a log line', async () => {
    const lines: string[] = [];
    const capture = (object: object | string, text?: string) =>
      lines.push(JSON.stringify(object) + (text ?? ''));
    const logger = {
      trace: capture,
      debug: capture,
      info: capture,
      warn: capture,
      error: capture,
      fatal: capture,
      child: () => logger,
    } as Logger;
    const client = makeClient({ logger, retry: { maxAttempts: 2 } });
    telegram.inject({
      method: 'getMe',
      times: Infinity,
      answer: { errorCode: 500, description: `Broken at /bot${telegram.token}/getMe` },
    });
    const error = (await drive(clock, client.getMe()).catch((caught: unknown) => caught)) as Error;
    const dead = makeClient({ apiRoot: 'http://127.0.0.1:1', logger, retry: { maxAttempts: 1 } });
    const network = (await drive(clock, dead.getMe()).catch((caught: unknown) => caught)) as Error;
    for (const text of [
      error.message,
      error.stack ?? '',
      JSON.stringify(error),
      network.message,
      network.stack ?? '',
      ...lines,
    ]) {
      expect(text).not.toContain(telegram.token);
      expect(text).not.toContain(telegram.token.split(':')[1]);
    }
    expect(error.message).toContain('[REDACTED]');
    expect(() => createTelegramClient({ token: 'not a token' })).toThrow(/createTelegramClient: token/);
  });

  it('edits messages (same text is not an error), answers callbacks, sends photos and chat actions', async () => {
    const client = makeClient();
    const [sent] = await drive(clock, client.sendMessage('42', 'draft'));
    await drive(clock, client.editMessageText('42', sent!.messageId, 'final'));
    await drive(clock, client.editMessageText('42', sent!.messageId, 'final'));
    await drive(clock, client.answerCallbackQuery('cb-1', { text: 'ok' }));
    await drive(clock, client.sendChatAction('42'));
    const photo = await drive(clock, client.sendPhoto('42', 'file-id-1', { caption: 'look' }));
    expect(telegram.messages('42').map((message) => message.text)).toEqual(['final', 'look']);
    expect(photo.messageId).toBe(2);
    expect(telegram.callsOf('answerCallbackQuery')[0]!.params).toMatchObject({
      callback_query_id: 'cb-1',
      text: 'ok',
    });
  });

  it('gets and downloads files through the SSRF-safe fetch', async () => {
    const port = Number(new URL(telegram.apiRoot).port);
    const client = makeClient({
      download: createSafeFetch({
        allowAddress: (ip) => ip === '127.0.0.1',
        allowedPorts: [port],
        allowedContentTypes: ['image/*'],
      }),
    });
    telegram.addFile('photo-1', { bytes: Uint8Array.from([1, 2, 3]), contentType: 'image/jpeg' });
    const file = await drive(clock, client.downloadFile('photo-1'));
    expect([...file.bytes]).toEqual([1, 2, 3]);
    expect(file.contentType).toBe('image/jpeg');
    const blocked = makeClient();
    const error = (await drive(clock, blocked.downloadFile('photo-1')).catch(
      (caught: unknown) => caught,
    )) as BotkeelError;
    expect(error.code).toBe('SSRF_BLOCKED');
    expect(error.message).not.toContain(telegram.token);
  });

  it('registers and deletes webhooks, and fetches updates', async () => {
    const client = makeClient();
    await drive(clock, client.setWebhook({ url: 'https://bot.example/telegram', secretToken: 'abc' }));
    expect(telegram.webhook()).toEqual({ url: 'https://bot.example/telegram', secretToken: 'abc' });
    await drive(clock, client.deleteWebhook());
    telegram.enqueueUpdate({
      message: { message_id: 1, date: 1, chat: { id: 1, type: 'private' }, text: 'x' },
    });
    const updates = await drive(clock, client.getUpdates({ timeoutSeconds: 0 }));
    expect(updates).toHaveLength(1);
  });
});
