import { BotkeelError, createSafeLogger, redact, redactText, REDACTED, runWithContext } from '@botkeel/core';
import { describe, expect, it } from 'vitest';
import { type Logger } from '@botkeel/core';

const telegramToken = '1234567890:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1';
const openAiKey = 'sk-proj-Abcdefghijklmnopqrstuvwxyz0123456789';
const dbPassword = 'Sup3r-Secret!pw';

const secretShapes: readonly string[] = [
  `token ${telegramToken}`,
  `GET https://api.telegram.org/bot${telegramToken}/sendMessage failed`,
  `using key ${openAiKey}`,
  `postgres://bot:${dbPassword}@db.internal:5432/shop`,
  `redis://:${dbPassword}@cache:6379`,
  `Authorization: Bearer ${openAiKey}`,
  `x-telegram-bot-api-secret-token: ${dbPassword}`,
  `password=${dbPassword}&user=bot`,
  `{"api_key":"${dbPassword}"}`,
];

function recordingLogger(): Logger & { readonly lines: unknown[] } {
  const lines: unknown[] = [];
  const record = (first: object | string, message?: string) => lines.push({ first, message });
  const logger = {
    lines,
    trace: record,
    debug: record,
    info: record,
    warn: record,
    error: record,
    fatal: record,
    child: () => logger,
  };
  return logger;
}

describe('redactText', () => {
  it.each(secretShapes)('removes the secret from %s', (text) => {
    const output = redactText(text);
    expect(output).toContain(REDACTED);
    for (const secret of [telegramToken, openAiKey, dbPassword]) expect(output).not.toContain(secret);
  });

  it('leaves ordinary text alone', () => {
    const text = 'Order 12345 for size M, colour navy, 1 299 UAH; call me at 10:30';
    expect(redactText(text)).toBe(text);
  });
});

describe('redact', () => {
  it('redacts values under credential keys whatever they look like, at any depth', () => {
    const output = redact({
      request: { headers: { Authorization: 'plain', 'X-Api-Key': 'k' } },
      password: 'p',
    });
    expect(output).toEqual({
      request: { headers: { Authorization: REDACTED, 'X-Api-Key': REDACTED } },
      password: REDACTED,
    });
  });

  it('turns errors into plain objects with message, stack and cause redacted', () => {
    const cause = new Error(`connect failed for postgres://bot:${dbPassword}@db:5432/shop`);
    const error = new Error(`call to https://api.telegram.org/bot${telegramToken}/getMe failed`, { cause });
    const text = JSON.stringify(redact({ err: error }));
    expect(text).not.toContain(telegramToken);
    expect(text).not.toContain(dbPassword);
    expect(text).toContain('call to https://api.telegram.org/bot');
  });

  it('bounds cycles and depth instead of overflowing', () => {
    const cyclic: Record<string, unknown> = { name: 'a' };
    cyclic['self'] = cyclic;
    expect(redact(cyclic)).toEqual({ name: 'a', self: '[Circular]' });
    let deep: Record<string, unknown> = {};
    const root = deep;
    for (let index = 0; index < 50; index++) deep = deep['next'] = {};
    expect(JSON.stringify(redact(root))).toContain('[Truncated]');
  });
});

describe('BotkeelError', () => {
  it('redacts its own message at construction', () => {
    const error = new BotkeelError(
      'TELEGRAM_API_ERROR',
      `POST https://api.telegram.org/bot${telegramToken}/sendMessage`,
    );
    expect(error.message).not.toContain(telegramToken);
  });
});

describe('createSafeLogger', () => {
  it('redacts every line and merges the current context', () => {
    const target = recordingLogger();
    const log = createSafeLogger(target);
    runWithContext({ traceId: 'a'.repeat(32), chatId: '42' }, () => {
      log.error(
        { url: `https://api.telegram.org/bot${telegramToken}/x`, apiKey: openAiKey },
        `failed with ${openAiKey}`,
      );
      log.info(`token ${telegramToken}`);
    });
    const text = JSON.stringify(target.lines);
    expect(text).not.toContain(telegramToken);
    expect(text).not.toContain(openAiKey);
    expect(target.lines[0]).toMatchObject({
      first: { traceId: 'a'.repeat(32), chatId: '42', apiKey: REDACTED },
    });
  });

  it('wraps once', () => {
    const log = createSafeLogger(recordingLogger());
    expect(createSafeLogger(log)).toBe(log);
  });
});
