import { randomBytes } from 'node:crypto';
import { silentLogger, systemClock } from '@botkeel/core';
import { startFakeOpenAI, type FakeOpenAIServer } from '@botkeel/core/testing';
import { startTelegramSimulator, type TelegramSimulator } from '@botkeel/adapter-telegram/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { listOrders } from '../src/orders/postgres-order-repository.js';
import { runProduction, type ProductionBot } from '../src/production/run-production.js';
import { productionEnv } from './helpers/production-env.js';

const namespace = `t${randomBytes(5).toString('hex')}`;
const secret = 'webhook_secret_0123456789';
const customer = 4242;
let simulator: TelegramSimulator;
let openai: FakeOpenAIServer;
let running: ProductionBot;
let updateId = 1000;

function textUpdate(text: string, id = ++updateId) {
  return {
    update_id: id,
    message: {
      message_id: id,
      date: 1_700_000_000,
      text,
      chat: { id: customer, type: 'private', first_name: 'Olena' },
      from: { id: customer, is_bot: false, first_name: 'Olena', language_code: 'uk' },
    },
  };
}

async function repliesAfter(count: number, timeoutMs = 15_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const texts = simulator.messages(String(customer)).map((message) => message.text);
    if (texts.length >= count) return texts;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return simulator.messages(String(customer)).map((message) => message.text);
}

beforeAll(async () => {
  simulator = await startTelegramSimulator();
  openai = await startFakeOpenAI({
    script: [{ status: 500 }, { reply: 'Радимо худі Класик і светр Урбан.' }],
  });
  const config = readConfig({
    ...productionEnv({ simulator, openai, secret, namespace }),
    HOST: '127.0.0.1',
  });
  running = await runProduction(config, systemClock, silentLogger);
});

afterAll(async () => {
  await running?.stop();
  await simulator?.close();
  await openai?.close();
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${namespace}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
  await pool.query(`DROP SCHEMA IF EXISTS "${namespace}" CASCADE`);
  await pool.end();
});

describe('production mode (Telegram simulator, fake OpenAI, real Redis and Postgres)', () => {
  it('answers health, readiness and metrics', async () => {
    expect((await fetch(`${running.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${running.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, postgres: 'ok', redis: 'ok', accepting: true });
  });

  it('refuses a wrong secret and bad bodies without a 5xx', async () => {
    expect(
      await simulator.postUpdate(`${running.url}/telegram`, textUpdate('hi'), 'wrong_secret_value'),
    ).toBe(401);
    const bad = await fetch(`${running.url}/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      body: '{"update_id": 1, "message": ',
    });
    expect(bad.status).toBe(400);
  });

  it('runs the funnel through the webhook, once per update even when redelivered', async () => {
    const greeting = textUpdate('Привіт!');
    expect(await simulator.postUpdate(`${running.url}/telegram`, greeting, secret)).toBe(200);
    expect(await simulator.postUpdate(`${running.url}/telegram`, greeting, secret)).toBe(200);
    expect((await repliesAfter(1))[0]).toContain('Вітаю');
    expect(
      await simulator.postUpdate(`${running.url}/telegram`, textUpdate('Що порадите на осінь?'), secret),
    ).toBe(200);
    const texts = await repliesAfter(2);
    // The first OpenAI call fails with a 500; the router retries and the model's answer arrives.
    expect(texts[1]).toBe('Радимо худі Класик і светр Урбан.');
    expect(openai.requests.length).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(simulator.messages(String(customer))).toHaveLength(2);
  });

  it('writes a confirmed order to Postgres exactly once', async () => {
    const steps = [
      'Шукаю худі Класик',
      'розмір S',
      'білий',
      'Так, оформлюємо',
      'Олена, +380501234567, Київ, відділення 12',
    ];
    let count = simulator.messages(String(customer)).length;
    for (const text of steps) {
      expect(await simulator.postUpdate(`${running.url}/telegram`, textUpdate(text), secret)).toBe(200);
      const texts = await repliesAfter(count + 1);
      count = texts.length;
    }
    const last = simulator.messages(String(customer)).at(-1)?.text ?? '';
    const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
    const orders = await listOrders(pool, namespace);
    await pool.end();
    expect(last).toContain('Замовлення оформлено');
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({
      chatId: String(customer),
      sku: 'BK-001',
      size: 'S',
      colour: 'white',
      details: { phone: '+380501234567' },
    });
  });

  it('exports the bot metrics in Prometheus text', async () => {
    const text = await (await fetch(`${running.url}/metrics`)).text();
    expect(text).toMatch(/botkeel_updates_total\{[^}]*status="accepted"/);
    expect(text).toMatch(/botkeel_updates_total\{[^}]*status="duplicate"/);
  });
});
