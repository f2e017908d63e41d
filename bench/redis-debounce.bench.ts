/**
 * The distributed debouncer on Redis: RedisDebounceStore.push latency and throughput (one script
 * call per push), and the flush lag of createDebouncer — how late a flush starts after its burst
 * fell due — with 3 debouncer instances (one process, three Redis connections) sharing 10,000 chats.
 *
 * Run: cd bench && TSX_TSCONFIG_PATH=../tsconfig.json node --expose-gc --import tsx redis-debounce.bench.ts
 */
import { randomUUID } from 'node:crypto';
import { createDebouncer, type Debouncer } from '@botkeel/core';
import { RedisDebounceStore, redisClientOptions } from '@botkeel/store-redis';
import { Redis } from 'ioredis';

const prefix = `bench-debounce-${randomUUID().slice(0, 8)}`;
const window = { quietMs: 60_000, maxWaitMs: 120_000, maxItems: 1_000 };

const connect = async () => {
  const client = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, ...redisClientOptions() });
  await client.connect();
  return client;
};

function quantiles(values: number[]): { p50: number; p99: number } {
  values.sort((a, b) => a - b);
  const at = (quantile: number) =>
    values[Math.min(values.length - 1, Math.floor(values.length * quantile))] ?? 0;
  return { p50: at(0.5), p99: at(0.99) };
}

async function pushes(store: RedisDebounceStore, callers: number, durationMs: number) {
  const latencies: number[] = [];
  const deadline = process.hrtime.bigint() + BigInt(durationMs) * 1_000_000n;
  const started = process.hrtime.bigint();
  let next = 0;
  const caller = async () => {
    while (process.hrtime.bigint() < deadline) {
      const chat = `push:${next % 10_000}`;
      next += 1;
      const begin = process.hrtime.bigint();
      await store.push(chat, '{"text":"hello"}', window, Date.now());
      latencies.push(Number(process.hrtime.bigint() - begin) / 1_000);
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { perSecond: latencies.length / seconds, ...quantiles(latencies) };
}

const clients = await Promise.all([connect(), connect(), connect()]);
const pushStore = new RedisDebounceStore({ client: clients[0], keyPrefix: `${prefix}:push` });
await pushes(pushStore, 1, 300);
const one = await pushes(pushStore, 1, 2_000);
const fifty = await pushes(pushStore, 50, 2_000);

// Flush lag: `chats` chats, three messages each pushed round-robin over three instances, bursts due
// 2 s after their last message (longer than a round of pushes takes, so every chat is one burst);
// lag = flush start − due time.
async function flushLag(chats: number, run: string) {
  const lags: number[] = [];
  let flushedItems = 0;
  const debouncers: Debouncer<string>[] = clients.map((client) =>
    createDebouncer<string>({
      store: new RedisDebounceStore({ client, keyPrefix: `${prefix}:${run}` }),
      quietMs: 2_000,
      maxWaitMs: 5_000,
      maxItems: 10,
      concurrency: 64,
      codec: { encode: (item) => item, decode: (text) => text },
      onFlush: (_key, items, { dueAtMs }) => {
        lags.push(Date.now() - dueAtMs);
        flushedItems += items.length;
      },
    }),
  );
  for (const debouncer of debouncers) debouncer.start();
  const pushStarted = Date.now();
  for (let message = 0; message < 3; message += 1) {
    const inFlight: Promise<unknown>[] = [];
    for (let chat = 0; chat < chats; chat += 1) {
      inFlight.push(debouncers[(chat + message) % 3]!.push(`chat:${chat}`, `${message}`));
      if (inFlight.length >= 150) await Promise.all(inFlight.splice(0));
    }
    await Promise.all(inFlight);
  }
  const pushSeconds = (Date.now() - pushStarted) / 1_000;
  while (flushedItems < chats * 3 && Date.now() - pushStarted < 40_000) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await Promise.all(debouncers.map((debouncer) => debouncer.stop()));
  return {
    pushesPerSecond: (chats * 3) / pushSeconds,
    flushes: lags.length,
    flushedItems,
    ...quantiles(lags),
  };
}

const small = await flushLag(1_000, 'flush-1k');
const large = await flushLag(10_000, 'flush-10k');

console.log('| measurement | value |');
console.log('|---|---|');
console.log(`| push, 1 caller: p50 / p99 | ${one.p50.toFixed(0)} µs / ${one.p99.toFixed(0)} µs |`);
console.log(`| push, 1 caller: pushes/s | ${Math.round(one.perSecond).toLocaleString('en-US')} |`);
console.log(
  `| push, 50 callers: pushes/s (p50 / p99) | ${Math.round(fifty.perSecond).toLocaleString('en-US')} (${fifty.p50.toFixed(0)} µs / ${fifty.p99.toFixed(0)} µs) |`,
);
for (const [chats, result] of [
  [1_000, small],
  [10_000, large],
] as const) {
  const label = `${chats.toLocaleString('en-US')} chats × 3 messages over 3 instances`;
  console.log(`| ${label}: pushes/s | ${Math.round(result.pushesPerSecond).toLocaleString('en-US')} |`);
  console.log(
    `| ${label}: flushes / items delivered | ${result.flushes.toLocaleString('en-US')} / ${result.flushedItems.toLocaleString('en-US')} |`,
  );
  console.log(`| ${label}: flush lag after due, p50 / p99 | ${result.p50} ms / ${result.p99} ms |`);
}

let cursor = '0';
do {
  const [nextCursor, found] = await clients[0].scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5_000);
  cursor = nextCursor;
  if (found.length > 0) await clients[0].del(...found);
} while (cursor !== '0');
for (const client of clients) client.disconnect();
