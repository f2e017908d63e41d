import { randomBytes } from 'node:crypto';
import { silentLogger, systemClock, type Logger } from '@botkeel/core';
import { startFakeOpenAI, type FakeOpenAIServer } from '@botkeel/core/testing';
import { startTelegramSimulator, type TelegramSimulator } from '@botkeel/adapter-telegram/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { runProduction, type ProductionBot } from '../src/production/run-production.js';
import { sleep, until } from './helpers/until.js';
import { productionEnv } from './helpers/production-env.js';

const namespace = `t${randomBytes(5).toString('hex')}`;
const secret = 'webhook_secret_0123456789';
const customer = '7001';
const lines: string[] = [];
let simulator: TelegramSimulator;
let openai: FakeOpenAIServer;
let running: ProductionBot;
let redis: Redis;
let updateId = 1;

/** Keeps the message of every warn line (what an operator would see). */
const recordingLogger: Logger = {
  ...silentLogger,
  warn: (first: object | string, message?: string) =>
    void lines.push(typeof first === 'string' ? first : (message ?? '')),
  child: () => recordingLogger,
  isLevelEnabled: () => true,
};

const textUpdate = (text: string) => ({
  update_id: updateId++,
  message: {
    message_id: updateId,
    date: Math.floor(Date.now() / 1_000),
    text,
    chat: { id: Number(customer), type: 'private', first_name: 'Ira' },
    from: { id: Number(customer), is_bot: false, first_name: 'Ira', language_code: 'uk' },
  },
});

const sendsTo = (chatId: string) =>
  simulator.callsOf('sendMessage').filter((call) => String(call.params['chat_id']) === chatId);

async function metric(name: string): Promise<number> {
  const text = await (await fetch(`${running.url}/metrics`)).text();
  return [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\d+)`, 'gm'))].reduce(
    (sum, match) => sum + Number(match[1]),
    0,
  );
}

beforeAll(async () => {
  simulator = await startTelegramSimulator();
  openai = await startFakeOpenAI({ script: [{ reply: 'Радимо худі Класик.' }] });
  redis = new Redis('redis://127.0.0.1:6379');
  const config = readConfig({
    ...productionEnv({ simulator, openai, secret, namespace }),
    HOST: '127.0.0.1',
  });
  running = await runProduction(config, systemClock, recordingLogger);
});

afterAll(async () => {
  await running?.stop();
  await simulator?.close();
  await openai?.close();
  const keys = await redis.keys(`${namespace}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
  await pool.query(`DROP SCHEMA IF EXISTS "${namespace}" CASCADE`);
  await pool.end();
});

describe('a customer who blocked the bot (Telegram answers 403)', () => {
  it('is marked once, gets nothing more and no retried turn, and is reachable again when they write', async () => {
    // Only the first send is refused: any further send would go through, so a skipped one shows.
    simulator.inject({
      method: 'sendMessage',
      chatId: customer,
      answer: { errorCode: 403, description: 'Forbidden: bot was blocked by the user' },
    });
    // A first message naming a product makes three replies: greeting, product card, size question.
    expect(
      await simulator.postUpdate(`${running.url}/telegram`, textUpdate('Шукаю худі Класик'), secret),
    ).toBe(200);
    const key = `${namespace}:unreachable:{${customer}}`;
    expect(await until(async () => (await redis.exists(key)) === 1, 15_000)).toBe(true);
    // Longer than the debouncer's first retry delay: a failed turn would have been delivered again.
    await sleep(3_000);

    expect(sendsTo(customer).map((call) => call.status)).toEqual([403]);
    expect(simulator.messages(customer)).toEqual([]);
    expect(lines.filter((line) => line.startsWith('chat unreachable'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('flush failed'))).toEqual([]);
    expect(await metric('shop_chats_unreachable_total')).toBe(1);
    expect(await metric('shop_sends_skipped_total')).toBe(3);

    // The customer unblocked the bot and writes: the mark goes and the conversation goes on.
    expect(await simulator.postUpdate(`${running.url}/telegram`, textUpdate('розмір S'), secret)).toBe(200);
    expect(await until(() => simulator.messages(customer).length === 1, 15_000)).toBe(true);
    expect(simulator.messages(customer)[0]?.text).toContain('Який колір');
    expect(await redis.exists(key)).toBe(0);
  }, 40_000);
});
