import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTelegramWebhook } from '@botkeel/adapter-telegram';
import { botId, message, recordingBot, secretToken } from './fixtures.js';

const webhook = createTelegramWebhook({ bot: recordingBot(), botId, secretToken });
const send = (body: string | Uint8Array) =>
  webhook.fetch(
    new Request('http://bot.local/', {
      method: 'POST',
      body,
      headers: { 'x-telegram-bot-api-secret-token': secretToken },
    }),
  );

const isExpected = (status: number) => status === 200 || status === 400 || status === 413;

describe('createTelegramWebhook fuzz', () => {
  it('answers 200/400 to any JSON value, never a 5xx, never pollutes prototypes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (value) => {
        const response = await send(JSON.stringify(value) ?? 'null');
        expect(isExpected(response.status)).toBe(true);
      }),
      { numRuns: 300 },
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('answers 400 to random bytes and random strings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.uint8Array({ maxLength: 512 }), fc.string({ unit: 'binary', maxLength: 256 })),
        async (body) => {
          const response = await send(body);
          expect(response.status).toBe(400);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('survives valid updates with one field replaced by anything, including prototype keys', async () => {
    const paths = [
      ['update_id'],
      ['message'],
      ['message', 'chat'],
      ['message', 'from'],
      ['message', 'text'],
      ['message', 'chat', 'id'],
      ['message', '__proto__'],
      ['constructor'],
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.jsonValue(), async (path, replacement) => {
        const update: Record<string, unknown> = { update_id: 10, message: structuredClone(message) };
        let target = update;
        for (const key of path.slice(0, -1)) target = target[key] as Record<string, unknown>;
        Object.defineProperty(target, path[path.length - 1]!, {
          value: replacement,
          enumerable: true,
          configurable: true,
          writable: true,
        });
        const response = await send(JSON.stringify(update));
        expect(isExpected(response.status)).toBe(true);
        if (
          path.includes('__proto__') ||
          (path[0] === 'constructor' &&
            typeof replacement === 'object' &&
            replacement !== null &&
            Object.hasOwn(replacement, 'prototype'))
        ) {
          expect(response.status).toBe(400);
        }
      }),
      { numRuns: 300 },
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
