import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock, defaultFloodLimits, type FloodControl, type FloodLimits } from '@botkeel/core';
import { createTelegramClient } from '@botkeel/adapter-telegram';
import { startTelegramSimulator, type TelegramSimulator } from '@botkeel/adapter-telegram/testing';
import { RedisFloodControl } from '@botkeel/store-redis';

const keyPrefix = `botkeel-test-tg-flood-${randomBytes(4).toString('hex')}`;
const connections: Redis[] = [];
let telegram: TelegramSimulator;
const clock = createManualClock(1_700_000_000_000);
// Telegram's per-chat and per-group budgets; a global budget of 10/s keeps the run short while 12
// private chats (12/s of demand) still make it the binding one.
const limits: FloodLimits = { ...defaultFloodLimits, global: { limit: 10, windowMs: 1_000, burst: 1 } };

beforeAll(async () => {
  telegram = await startTelegramSimulator({ clock });
});
afterAll(async () => {
  await telegram.close();
  const keys = await connections[0]?.keys(`${keyPrefix}*`);
  if (keys !== undefined && keys.length > 0) await connections[0]?.del(...keys);
  for (const connection of connections) connection.disconnect();
});

/** Largest number of timestamps inside any half-open window `[t, t + windowMs)`. */
function maxInWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < sorted.length; end += 1) {
    while (sorted[end]! - sorted[start]! >= windowMs) start += 1;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

describe('three clients sharing RedisFloodControl', () => {
  it('never exceed the global, per-chat and per-group budgets over a simulated minute', async () => {
    // Work "in flight" (an acquire, or a send that was allowed and not yet answered): time only
    // moves when nothing is in flight, so the simulator stamps each send at its acquire time.
    let inFlight = 0;
    const tracked = (flood: FloodControl): FloodControl => ({
      name: flood.name,
      pause: (scope, durationMs) => flood.pause(scope, durationMs),
      acquire: async (request) => {
        inFlight += 1;
        const decision = await flood.acquire(request);
        if (!decision.allowed) inFlight -= 1;
        return decision;
      },
    });
    const fetchTracked = async (url: string, init: RequestInit) => {
      try {
        return await fetch(url, init);
      } finally {
        inFlight -= 1;
      }
    };
    const clients = await Promise.all(
      [0, 1, 2].map(async () => {
        const connection = new Redis({
          host: '127.0.0.1',
          port: 6379,
          lazyConnect: true,
          maxRetriesPerRequest: 1,
        });
        await connection.connect();
        connections.push(connection);
        const flood = tracked(new RedisFloodControl({ client: connection, keyPrefix, clock, limits }));
        return createTelegramClient({
          token: telegram.token,
          apiRoot: telegram.apiRoot,
          clock,
          flood,
          fetch: fetchTracked,
          requestTimeoutMs: 3_600_000,
        });
      }),
    );
    const privateChats = Array.from({ length: 12 }, (_, index) => String(index + 1));
    const groups = ['-1001', '-1002'];
    const startedAt = clock.now();
    const endAt = startedAt + 60_000;
    const loops = clients.flatMap((client, clientIndex) =>
      [...privateChats, ...groups].map(async (chatId) => {
        let count = 0;
        while (clock.now() < endAt) {
          await client.sendMessage(chatId, `c${clientIndex}-${count}`);
          count += 1;
        }
      }),
    );
    let done = false;
    const all = Promise.all(loops).finally(() => {
      done = true;
    });
    while (!done) {
      await new Promise((resolve) => setTimeout(resolve, 1));
      const next = clock.nextTimerAt();
      if (inFlight === 0 && next !== undefined && next - clock.now() < 600_000)
        clock.advance(next - clock.now());
    }
    await all;

    const messages = telegram.messages().filter((message) => message.at < endAt);
    const global = limits.global;
    expect(
      maxInWindow(
        messages.map((message) => message.at),
        global.windowMs,
      ),
    ).toBeLessThanOrEqual(global.limit + global.burst - 1);
    for (const chatId of [...privateChats, ...groups]) {
      const budget = chatId.startsWith('-') ? defaultFloodLimits.groupChat : defaultFloodLimits.privateChat;
      const times = messages.filter((message) => message.chatId === chatId).map((message) => message.at);
      expect(maxInWindow(times, budget.windowMs)).toBeLessThanOrEqual(budget.limit + budget.burst - 1);
    }
    // The budget was the limit, not the load: close to 10 per second went out, from all three clients.
    expect(messages.length).toBeGreaterThan(580);
    for (const index of [0, 1, 2])
      expect(messages.some((message) => message.text.startsWith(`c${index}-`))).toBe(true);
  }, 60_000);
});
