/**
 * The distributed debouncer on Redis: RedisDebounceStore.push latency and throughput (one script
 * call per push), and the flush lag of createDebouncer — how late a flush starts after its burst
 * fell due — with 3 debouncer instances in 3 processes (this file forks itself) sharing 1,000 and
 * 10,000 chats.
 *
 * Run: cd bench && TSX_TSCONFIG_PATH=../tsconfig.json node --expose-gc --import tsx redis-debounce.bench.ts
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createDebouncer, type Debouncer } from '@botkeel/core';
import { RedisDebounceStore, redisClientOptions } from '@botkeel/store-redis';
import { Redis } from 'ioredis';

const window = { quietMs: 60_000, maxWaitMs: 120_000, maxItems: 1_000 };

const connect = async () => {
  const client = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, ...redisClientOptions() });
  await client.connect();
  return client;
};

/** Parent → worker and worker → parent messages of the flush-lag runs. */
type ToWorker =
  | { type: 'start'; keyPrefix: string }
  | { type: 'push'; chats: number; message: number; instance: number }
  | { type: 'stop' };
type FromWorker =
  | { type: 'ready' }
  | { type: 'pushed' }
  | { type: 'flushed'; lags: number[]; dues: number[]; items: number }
  | { type: 'stopped' };

if (process.argv[2] === 'worker') {
  // One debouncer instance in its own process: pushes its share of every round when told, reports
  // the lag of each flush (flush start − due time, by this machine's clock) every 50 ms.
  const client = await connect();
  let debouncer: Debouncer<string> | undefined;
  let lags: number[] = [];
  let dues: number[] = [];
  let items = 0;
  const send = (message: FromWorker) => process.send?.(message);
  const report = setInterval(() => {
    if (lags.length === 0) return;
    send({ type: 'flushed', lags, dues, items });
    lags = [];
    dues = [];
    items = 0;
  }, 50);
  process.on('message', (message: ToWorker) => {
    void (async () => {
      if (message.type === 'start') {
        debouncer = createDebouncer<string>({
          store: new RedisDebounceStore({ client, keyPrefix: message.keyPrefix }),
          quietMs: 2_000,
          maxWaitMs: 5_000,
          maxItems: 10,
          concurrency: 64,
          codec: { encode: (item) => item, decode: (text) => text },
          onFlush: (_key, batch, { dueAtMs }) => {
            lags.push(Date.now() - dueAtMs);
            dues.push(dueAtMs);
            items += batch.length;
          },
        });
        debouncer.start();
        send({ type: 'ready' });
      } else if (message.type === 'push') {
        const inFlight: Promise<unknown>[] = [];
        for (let chat = 0; chat < message.chats; chat += 1) {
          if ((chat + message.message) % 3 !== message.instance) continue;
          inFlight.push(debouncer!.push(`chat:${chat}`, `${message.message}`));
          if (inFlight.length >= 50) await Promise.all(inFlight.splice(0));
        }
        await Promise.all(inFlight);
        send({ type: 'pushed' });
      } else {
        await debouncer?.stop();
        clearInterval(report);
        if (lags.length > 0) send({ type: 'flushed', lags, dues, items });
        client.disconnect();
        send({ type: 'stopped' });
        process.disconnect();
      }
    })();
  });
  send({ type: 'ready' });
} else {
  await main();
}

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

/** A forked instance: send it a message, wait for its next reply of a type. */
interface Worker {
  readonly child: ChildProcess;
  send(message: ToWorker): void;
  next(type: FromWorker['type']): Promise<FromWorker>;
}

function forkWorker(onFlushed: (lags: number[], dues: number[], items: number) => void): Promise<Worker> {
  const child = fork(fileURLToPath(import.meta.url), ['worker'], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const waiting: { type: FromWorker['type']; resolve: (message: FromWorker) => void }[] = [];
  child.on('message', (message: FromWorker) => {
    if (message.type === 'flushed') onFlushed(message.lags, message.dues, message.items);
    const index = waiting.findIndex((entry) => entry.type === message.type);
    if (index >= 0) waiting.splice(index, 1)[0]!.resolve(message);
  });
  const worker: Worker = {
    child,
    send: (message) => child.send(message),
    next: (type) => new Promise((resolve) => waiting.push({ type, resolve })),
  };
  return worker.next('ready').then(() => worker);
}

// Flush lag: `chats` chats, three messages each pushed round-robin over three processes (a round
// starts when every process finished the previous one, so each chat's messages arrive in order),
// bursts due 2 s after their last message (longer than a round of pushes takes, so every chat is
// one burst); lag = flush start − due time.
async function flushLag(chats: number, keyPrefix: string) {
  const lags: number[] = [];
  let firstDueMs = Number.POSITIVE_INFINITY;
  let lastDueMs = 0;
  let lastStartMs = 0;
  let flushedItems = 0;
  const workers = await Promise.all(
    Array.from({ length: 3 }, () =>
      forkWorker((batchLags, dues, items) => {
        batchLags.forEach((lag, index) => {
          const dueMs = dues[index]!;
          lags.push(lag);
          firstDueMs = Math.min(firstDueMs, dueMs);
          lastDueMs = Math.max(lastDueMs, dueMs);
          lastStartMs = Math.max(lastStartMs, dueMs + lag);
        });
        flushedItems += items;
      }),
    ),
  );
  await Promise.all(
    workers.map((worker) => {
      const ready = worker.next('ready');
      worker.send({ type: 'start', keyPrefix });
      return ready;
    }),
  );
  const pushStarted = Date.now();
  for (let message = 0; message < 3; message += 1) {
    await Promise.all(
      workers.map((worker, instance) => {
        const pushed = worker.next('pushed');
        worker.send({ type: 'push', chats, message, instance });
        return pushed;
      }),
    );
  }
  const pushSeconds = (Date.now() - pushStarted) / 1_000;
  while (flushedItems < chats * 3 && Date.now() - pushStarted < 40_000) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await Promise.all(
    workers.map((worker) => {
      const stopped = worker.next('stopped');
      worker.send({ type: 'stop' });
      return stopped;
    }),
  );
  return {
    pushesPerSecond: (chats * 3) / pushSeconds,
    flushes: lags.length,
    // Bursts falling due per second (they fall due as fast as their last messages were pushed), and
    // flushes started per second from the first due time to the last flush.
    duePerSecond: (lags.length * 1_000) / Math.max(1, lastDueMs - firstDueMs),
    flushesPerSecond: (lags.length * 1_000) / Math.max(1, lastStartMs - firstDueMs),
    flushedItems,
    ...quantiles(lags),
  };
}

/**
 * The same 10,000-chat run with the three instances in THIS process (three connections): no more
 * busy processes than the machine has cores, to tell the debouncer's own limit from the
 * oversubscription of three processes and Redis on two cores.
 */
async function flushLagInOneProcess(chats: number, keyPrefix: string) {
  const lags: number[] = [];
  let firstDueMs = Number.POSITIVE_INFINITY;
  let lastDueMs = 0;
  let lastStartMs = 0;
  let flushedItems = 0;
  const clients = await Promise.all([connect(), connect(), connect()]);
  const debouncers: Debouncer<string>[] = clients.map((client) =>
    createDebouncer<string>({
      store: new RedisDebounceStore({ client, keyPrefix }),
      quietMs: 2_000,
      maxWaitMs: 5_000,
      maxItems: 10,
      concurrency: 64,
      codec: { encode: (item) => item, decode: (text) => text },
      onFlush: (_key, items, { dueAtMs }) => {
        const nowMs = Date.now();
        lags.push(nowMs - dueAtMs);
        firstDueMs = Math.min(firstDueMs, dueAtMs);
        lastDueMs = Math.max(lastDueMs, dueAtMs);
        lastStartMs = Math.max(lastStartMs, nowMs);
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
  for (const client of clients) client.disconnect();
  return {
    pushesPerSecond: (chats * 3) / pushSeconds,
    flushes: lags.length,
    duePerSecond: (lags.length * 1_000) / Math.max(1, lastDueMs - firstDueMs),
    flushesPerSecond: (lags.length * 1_000) / Math.max(1, lastStartMs - firstDueMs),
    flushedItems,
    ...quantiles(lags),
  };
}

async function main(): Promise<void> {
  const prefix = `bench-debounce-${randomUUID().slice(0, 8)}`;
  const client = await connect();
  const pushStore = new RedisDebounceStore({ client, keyPrefix: `${prefix}:push` });
  await pushes(pushStore, 1, 300);
  const one = await pushes(pushStore, 1, 2_000);
  const fifty = await pushes(pushStore, 50, 2_000);

  const small = await flushLag(1_000, `${prefix}:flush-1k`);
  const large = await flushLag(10_000, `${prefix}:flush-10k`);
  const inOneProcess = await flushLagInOneProcess(10_000, `${prefix}:flush-10k-one-process`);

  console.log('| measurement | value |');
  console.log('|---|---|');
  console.log(`| push, 1 caller: p50 / p99 | ${one.p50.toFixed(0)} µs / ${one.p99.toFixed(0)} µs |`);
  console.log(`| push, 1 caller: pushes/s | ${Math.round(one.perSecond).toLocaleString('en-US')} |`);
  console.log(
    `| push, 50 callers: pushes/s (p50 / p99) | ${Math.round(fifty.perSecond).toLocaleString('en-US')} (${fifty.p50.toFixed(0)} µs / ${fifty.p99.toFixed(0)} µs) |`,
  );
  for (const [label, result] of [
    ['1,000 chats × 3 messages over 3 processes', small],
    ['10,000 chats × 3 messages over 3 processes', large],
    ['10,000 chats × 3 messages, 3 instances in one process', inOneProcess],
  ] as const) {
    console.log(`| ${label}: pushes/s | ${Math.round(result.pushesPerSecond).toLocaleString('en-US')} |`);
    console.log(
      `| ${label}: flushes / items delivered | ${result.flushes.toLocaleString('en-US')} / ${result.flushedItems.toLocaleString('en-US')} |`,
    );
    console.log(`| ${label}: flush lag after due, p50 / p99 | ${result.p50} ms / ${result.p99} ms |`);
    console.log(
      `| ${label}: bursts falling due / flushes started, per second | ${Math.round(result.duePerSecond).toLocaleString('en-US')} / ${Math.round(result.flushesPerSecond).toLocaleString('en-US')} |`,
    );
  }

  let cursor = '0';
  do {
    const [nextCursor, found] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5_000);
    cursor = nextCursor;
    if (found.length > 0) await client.del(...found);
  } while (cursor !== '0');
  client.disconnect();
}
