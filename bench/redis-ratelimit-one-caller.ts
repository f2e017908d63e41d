/**
 * One caller, one decision at a time: where the microseconds over a raw round trip go. Each
 * contender makes 5,000 awaited calls per round (after 500 to warm up), 8 rounds, contenders
 * alternating; printed is the median of the 8 round p50s and its excess over the trivial script.
 * A steadier view of the one-caller row of redis-ratelimit.bench.ts on a loaded machine (short
 * sequential rounds instead of pooled latencies).
 *
 * - trivial: `EVALSHA` of `return 1` (one round trip, nothing else);
 * - floor: `EVALSHA` of a script doing only `TIME`, `GET`, `SET … PX` (the least a limiter that reads
 *   and writes its state by Redis' clock does);
 * - script: Botkeel's lone-call GCRA script called directly with ioredis;
 * - store: RedisRateLimitStore.consume; limiter: createRateLimiter over it;
 * - rate-limiter-flexible: RateLimiterRedis.consume.
 *
 * Run: cd bench && TSX_TSCONFIG_PATH=../tsconfig.json node --import tsx redis-ratelimit-one-caller.ts
 */
import { randomUUID } from 'node:crypto';
import { createRateLimiter } from '@botkeel/core';
import { RedisRateLimitStore, redisClientOptions } from '@botkeel/store-redis';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { gcraOneScript } from '../packages/store-redis/src/ratelimit/gcra-one-script.js';

const prefix = `bench-rl1-${randomUUID().slice(0, 8)}`;
const client = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, ...redisClientOptions() });
await client.connect();
const rule = { limit: 100_000, windowMs: 3_600_000 };
const store = new RedisRateLimitStore({ client, keyPrefix: prefix });
const limiter = createRateLimiter({
  rules: [{ name: 'user', ...rule }],
  chain: [store],
  storeTimeoutMs: 1_000,
});
const theirs = new RateLimiterRedis({
  storeClient: client,
  keyPrefix: `${prefix}-rlf`,
  points: 100_000,
  duration: 3_600,
});
const trivial = (await client.script('LOAD', 'return 1')) as string;
const floor = (await client.script(
  'LOAD',
  "redis.call('TIME') redis.call('GET', KEYS[1]) redis.call('SET', KEYS[1], ARGV[1], 'PX', 3600000) return 1",
)) as string;
await client.script('LOAD', gcraOneScript.source);

const contenders: Record<string, (index: number) => Promise<unknown>> = {
  trivial: (index) => client.evalsha(trivial, 1, `${prefix}:raw:${index}`),
  floor: (index) => client.evalsha(floor, 1, `${prefix}:floor:${index}`, '1764400000000.123'),
  script: (index) =>
    client.evalsha(gcraOneScript.sha, 1, `${prefix}:ratelimit:{${prefix}}:direct:${index}`, 1, 36, 3_600_000),
  store: (index) => store.consume([{ key: `user:${index}`, rule }], 1),
  limiter: (index) => limiter.consume(String(index)),
  'rate-limiter-flexible': (index) => theirs.consume(String(index), 1),
};

async function roundP50(call: (index: number) => Promise<unknown>): Promise<number> {
  for (let index = 0; index < 500; index += 1) await call(index % 1_000);
  const latencies: number[] = [];
  for (let index = 0; index < 5_000; index += 1) {
    const begin = process.hrtime.bigint();
    await call(index % 1_000);
    latencies.push(Number(process.hrtime.bigint() - begin) / 1_000);
  }
  latencies.sort((a, b) => a - b);
  return latencies[2_500]!;
}

const p50s = new Map<string, number[]>();
for (let round = 0; round < 8; round += 1) {
  for (const [name, call] of Object.entries(contenders))
    p50s.set(name, [...(p50s.get(name) ?? []), await roundP50(call)]);
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const base = median(p50s.get('trivial')!);
console.log('| contender | p50 µs (median of 8 rounds) | added to the trivial round trip |');
console.log('|---|---|---|');
for (const [name, values] of p50s) {
  console.log(`| ${name} | ${median(values).toFixed(1)} | ${(median(values) - base).toFixed(1)} µs |`);
}

for (const pattern of [`${prefix}:*`, `${prefix}-rlf*`]) {
  let cursor = '0';
  do {
    const [nextCursor, found] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
    cursor = nextCursor;
    if (found.length > 0) await client.del(...found);
  } while (cursor !== '0');
}
client.disconnect();
