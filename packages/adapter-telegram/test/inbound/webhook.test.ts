import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, type Logger } from '@botkeel/core';
import { createTelegramWebhook, telegramWebhookSourceRanges } from '@botkeel/adapter-telegram';
import { corpus } from './corpus.js';
import { botId, json, message, recordingBot, secretToken } from './fixtures.js';
import { listen, post } from './http.js';

const headers = { 'x-telegram-bot-api-secret-token': secretToken, 'content-type': 'application/json' };
const request = (body: string, extra: Record<string, string> = {}, method = 'POST') =>
  new Request('http://bot.local/telegram', {
    method,
    body: method === 'GET' ? null : body,
    headers: { ...headers, ...extra },
  });

describe('createTelegramWebhook: the corpus through node:http', () => {
  const bot = recordingBot();
  const webhook = createTelegramWebhook({ bot, botId, secretToken, maxBodyBytes: 4 * 1_048_576 });
  let server: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    server = await listen(webhook.listener);
  });
  afterAll(() => server.close());

  it('holds at least 60 bodies', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60);
  });

  for (const entry of corpus) {
    it(`${entry.name} → ${entry.status}`, async () => {
      const before = bot.messages.length;
      const response = await post(server.url, entry.body, headers);
      expect(response.status).toBe(entry.status);
      if (entry.status === 400) expect(response.body).toMatch(/^bad request: /);
      expect(bot.messages.length - before).toBe(entry.reachesBot === true ? 1 : 0);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });
  }
});

describe('createTelegramWebhook: order of checks and answers', () => {
  it('refuses anything but POST with 405 before looking at the secret', async () => {
    const webhook = createTelegramWebhook({ bot: recordingBot(), botId, secretToken });
    const response = await webhook.fetch(request('', { 'x-telegram-bot-api-secret-token': 'wrong' }, 'GET'));
    expect(response.status).toBe(405);
  });

  it('answers 401 for a wrong or missing secret, before reading the body, and never logs the secret', async () => {
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
    const bot = recordingBot();
    const webhook = createTelegramWebhook({ bot, botId, secretToken, logger });
    const wrong = await webhook.fetch(
      request(json({ update_id: 1, message }), { 'x-telegram-bot-api-secret-token': 'nope' }),
    );
    const missing = await webhook.fetch(new Request('http://bot.local/', { method: 'POST', body: '{' }));
    const prefix = await webhook.fetch(
      request('{', { 'x-telegram-bot-api-secret-token': secretToken.slice(0, -1) }),
    );
    expect([wrong.status, missing.status, prefix.status]).toEqual([401, 401, 401]);
    expect(bot.messages).toHaveLength(0);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain(secretToken);
  });

  it('refuses a secret token outside 1-256 characters of A-Za-z0-9_- at construction, without echoing it', () => {
    for (const bad of ['', 'has space', 'x'.repeat(257), 'ключ', 'a:b']) {
      let message = '';
      try {
        createTelegramWebhook({ bot: recordingBot(), botId, secretToken: bad });
      } catch (error) {
        message = (error as Error).message;
        expect((error as { code?: string }).code).toBe('INVALID_OPTIONS');
      }
      expect(message).toMatch(/secretToken/);
      if (bad.length > 3) expect(message).not.toContain(bad);
    }
  });

  it('checks the source address against the ranges (403), honouring X-Forwarded-For only with trustProxy', async () => {
    const bot = recordingBot();
    const body = json({ update_id: 3, message });
    const strict = createTelegramWebhook({
      bot,
      botId,
      secretToken,
      allowedSourceRanges: telegramWebhookSourceRanges,
    });
    expect((await strict.fetch(request(body), { remoteAddress: '149.154.167.220' })).status).toBe(200);
    expect((await strict.fetch(request(body), { remoteAddress: '::ffff:91.108.4.10' })).status).toBe(200);
    expect((await strict.fetch(request(body), { remoteAddress: '10.0.0.1' })).status).toBe(403);
    expect((await strict.fetch(request(body))).status).toBe(403);
    const spoofed = request(body, { 'x-forwarded-for': '149.154.167.220' });
    expect((await strict.fetch(spoofed, { remoteAddress: '10.0.0.1' })).status).toBe(403);
    const proxied = createTelegramWebhook({
      bot,
      botId,
      secretToken,
      allowedSourceRanges: telegramWebhookSourceRanges,
      trustProxy: true,
    });
    const viaProxy = request(body, { 'x-forwarded-for': '6.6.6.6, 149.154.167.220' });
    expect((await proxied.fetch(viaProxy, { remoteAddress: '10.0.0.1' })).status).toBe(200);
    const forged = request(body, { 'x-forwarded-for': '149.154.167.220, 6.6.6.6' });
    expect((await proxied.fetch(forged, { remoteAddress: '10.0.0.1' })).status).toBe(403);
    expect(() =>
      createTelegramWebhook({ bot, botId, secretToken, allowedSourceRanges: ['10.0.0.0/99'] }),
    ).toThrow(/allowedSourceRanges/);
  });

  it('answers 413 at the default 1 MiB cap, also for a chunked body without content-length', async () => {
    const webhook = createTelegramWebhook({ bot: recordingBot(), botId, secretToken });
    const server = await listen(webhook.listener);
    try {
      const big = `{"update_id":1,"x":"${'a'.repeat(1_048_576)}"}`;
      expect((await post(server.url, big, headers)).status).toBe(413);
      expect((await post(server.url, big, { ...headers, 'transfer-encoding': 'chunked' })).status).toBe(413);
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let index = 0; index < 20; index += 1) controller.enqueue(new Uint8Array(100_000).fill(32));
          controller.close();
        },
      });
      const response = await webhook.fetch(
        new Request('http://bot.local/', {
          method: 'POST',
          body: stream,
          headers,
          duplex: 'half',
        }),
      );
      expect(response.status).toBe(413);
    } finally {
      await server.close();
    }
  });

  it('maps acks: unavailable → 503, duplicate/rate-limited/rejected → 200; a throwing bot → 503', async () => {
    const statuses: number[] = [];
    for (const status of ['accepted', 'duplicate', 'rate-limited', 'rejected', 'unavailable'] as const) {
      const webhook = createTelegramWebhook({ bot: recordingBot(() => ({ status })), botId, secretToken });
      statuses.push((await webhook.fetch(request(json({ update_id: 9, message })))).status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 503]);
    const failing = createTelegramWebhook({
      bot: { handle: () => Promise.reject(new Error('redis down')) },
      botId,
      secretToken,
    });
    expect((await failing.fetch(request(json({ update_id: 9, message })))).status).toBe(503);
  });

  it('builds the message with the dedupe key of bot id + update_id and lets interceptors consume updates', async () => {
    const bot = recordingBot();
    const seen: number[] = [];
    const webhook = createTelegramWebhook({
      bot,
      botId,
      secretToken,
      clock: createManualClock(5),
      interceptors: [(update) => (seen.push(update.update_id), update.update_id === 2)],
    });
    await webhook.fetch(request(json({ update_id: 1, message })));
    await webhook.fetch(request(json({ update_id: 2, message })));
    expect(seen).toEqual([1, 2]);
    expect(bot.messages.map((incoming) => incoming.updateKey)).toEqual(['tg:123456:1']);
    expect(bot.messages[0]).toMatchObject({
      channel: 'telegram',
      chatId: '42',
      userId: '42',
      messageId: '7',
      text: 'hi',
      locale: 'uk',
      senderName: 'Ann Lee',
    });
  });
});
