/**
 * Dedupe claims on Redis: Botkeel's RedisDedupeStore.claim against the raw ioredis command it
 * builds on (`SET key value NX PX ms`), same connection, fresh keys, one caller and 50 concurrent
 * callers. Goal: ≥ 0.9× the raw command.
 *
 * Run: cd bench && TSX_TSCONFIG_PATH=../tsconfig.json node --expose-gc --import tsx redis-dedupe.bench.ts
 */
import { randomUUID } from 'node:crypto';
import { RedisDedupeStore, redisClientOptions } from '@botkeel/store-redis';
import { Redis } from 'ioredis';

const roundMs = 1_500;
const rounds = 3;
const prefix = `bench-dedupe-${randomUUID().slice(0, 8)}`;
const leaseMs = 5_000;

interface Result {
  opsPerSecond: number;
  p50Us: number;
  p99Us: number;
}

async function measure(claim: (key: string) => Promise<unknown>, callers: number): Promise<Result> {
  const latencies: number[] = [];
  const deadline = process.hrtime.bigint() + BigInt(roundMs) * 1_000_000n;
  const started = process.hrtime.bigint();
  const run = randomUUID().slice(0, 8);
  let next = 0;
  const caller = async () => {
    while (process.hrtime.bigint() < deadline) {
      const key = `${run}:${next}`;
      next += 1;
      const begin = process.hrtime.bigint();
      await claim(key);
      latencies.push(Number(process.hrtime.bigint() - begin) / 1_000);
    }
  };
  await Promise.all(Array.from({ length: callers }, caller));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  latencies.sort((a, b) => a - b);
  const at = (quantile: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * quantile))] ?? 0;
  return { opsPerSecond: latencies.length / seconds, p50Us: at(0.5), p99Us: at(0.99) };
}

const client = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, ...redisClientOptions() });
await client.connect();
const store = new RedisDedupeStore({ client, keyPrefix: prefix });

const contenders: Record<string, (key: string) => Promise<unknown>> = {
  'raw ioredis SET NX PX': (key) => client.set(`${prefix}:raw:${key}`, 'p', 'PX', leaseMs, 'NX'),
  'Botkeel RedisDedupeStore.claim': async (key) => {
    if ((await store.claim(key, { leaseMs })) !== 'claimed') throw new Error('fresh keys must be claimed');
  },
};

const best = new Map<string, Result>();
for (const callers of [1, 50]) {
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, claim] of Object.entries(contenders)) {
      globalThis.gc?.();
      const result = await measure(claim, callers);
      const id = `${name}|${callers}`;
      const previous = best.get(id);
      if (previous === undefined || result.opsPerSecond > previous.opsPerSecond) best.set(id, result);
    }
  }
}

const format = (value: number) => Math.round(value).toLocaleString('en-US');
console.log('| callers | contender | claims/s | p50 µs | p99 µs | vs raw SET NX PX |');
console.log('|---|---|---|---|---|---|');
for (const callers of [1, 50]) {
  const raw = best.get(`raw ioredis SET NX PX|${callers}`)!;
  for (const name of Object.keys(contenders)) {
    const result = best.get(`${name}|${callers}`)!;
    console.log(
      `| ${callers} | ${name} | ${format(result.opsPerSecond)} | ${result.p50Us.toFixed(0)} | ${result.p99Us.toFixed(0)} | ` +
        `${(result.opsPerSecond / raw.opsPerSecond).toFixed(2)}× |`,
    );
  }
}

let cursor = '0';
do {
  const [nextCursor, found] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 5_000);
  cursor = nextCursor;
  if (found.length > 0) await client.del(...found);
} while (cursor !== '0');
client.disconnect();
