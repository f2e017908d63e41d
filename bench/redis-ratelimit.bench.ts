/**
 * Rate limiting on Redis: Botkeel's RedisRateLimitStore against rate-limiter-flexible's
 * RateLimiterRedis on the same Redis (127.0.0.1:6379) and the same ioredis connection, plus a raw
 * `EVALSHA` of a trivial one-key script as the physical limit. One caller (each call awaited) and
 * 50 concurrent callers; decisions/s, p50 and p99 latency.
 *
 * Run: cd bench && TSX_TSCONFIG_PATH=../tsconfig.json node --expose-gc --import tsx redis-ratelimit.bench.ts
 */
import { randomUUID } from 'node:crypto';
import { RedisRateLimitStore, redisClientOptions } from '@botkeel/store-redis';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';

const roundMs = 1_500;
const rounds = 3;
const keyCount = 1_000;
const prefix = `bench-rl-${randomUUID().slice(0, 8)}`;
const keys = Array.from({ length: keyCount }, (_, index) => `user:${index}`);

interface Result {
  opsPerSecond: number;
  p50Us: number;
  p99Us: number;
}

/** `callers` loops, each awaiting `decide` back to back for `roundMs`; every call's latency kept. */
async function measure(decide: (key: string) => Promise<unknown>, callers: number): Promise<Result> {
  const latencies: number[] = [];
  const deadline = process.hrtime.bigint() + BigInt(roundMs) * 1_000_000n;
  const started = process.hrtime.bigint();
  let next = 0;
  const caller = async () => {
    while (process.hrtime.bigint() < deadline) {
      const key = keys[next % keyCount] as string;
      next += 1;
      const begin = process.hrtime.bigint();
      await decide(key);
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

const trivialSha = (await client.script('LOAD', 'return 1')) as string;
// The store talks to Redis through a view of the same connection that counts its script calls, so
// the run shows how many decisions each call carried (the coalescing).
let scriptCalls = 0;
const countingClient = new Proxy(client, {
  get(target, property, receiver) {
    const value: unknown = Reflect.get(target, property, receiver);
    if (typeof value !== 'function') return value;
    const method = value as (...args: unknown[]) => unknown;
    if (property === 'evalsha' || property === 'eval') {
      return (...args: unknown[]) => {
        scriptCalls += 1;
        return method.apply(target, args);
      };
    }
    return method.bind(target);
  },
});
const store = new RedisRateLimitStore({ client: countingClient, keyPrefix: prefix });
let decisions = 0;
// A roomy per-user rule (100,000 per hour): every decision is allowed and every key stays alive.
const rule = { limit: 100_000, windowMs: 3_600_000 };
const theirs = new RateLimiterRedis({
  storeClient: client,
  keyPrefix: `${prefix}-rlf`,
  points: 100_000,
  duration: 3_600,
});

const contenders: Record<string, (key: string) => Promise<unknown>> = {
  'raw ioredis EVALSHA (trivial script)': (key) => client.evalsha(trivialSha, 1, `${prefix}:raw:${key}`),
  'Botkeel RedisRateLimitStore': async (key) => {
    decisions += 1;
    const decision = await store.consume([{ key, rule }], 1);
    if (!decision.allowed) throw new Error('the workload must be allowed');
  },
  'rate-limiter-flexible RateLimiterRedis': (key) => theirs.consume(key, 1),
};

const best = new Map<string, Result>();
const perCall = new Map<number, number>();
for (const callers of [1, 50]) {
  for (let round = 0; round < rounds; round += 1) {
    for (const [name, decide] of Object.entries(contenders)) {
      globalThis.gc?.();
      const callsBefore = scriptCalls;
      const decisionsBefore = decisions;
      const result = await measure(decide, callers);
      if (name === 'Botkeel RedisRateLimitStore') {
        perCall.set(callers, (decisions - decisionsBefore) / Math.max(1, scriptCalls - callsBefore));
      }
      const id = `${name}|${callers}`;
      const previous = best.get(id);
      if (previous === undefined || result.opsPerSecond > previous.opsPerSecond) best.set(id, result);
    }
  }
}

const format = (value: number) => Math.round(value).toLocaleString('en-US');
console.log(
  '| callers | contender | decisions/s | p50 µs | p99 µs | vs rate-limiter-flexible | vs raw EVALSHA |',
);
console.log('|---|---|---|---|---|---|---|');
for (const callers of [1, 50]) {
  const raw = best.get(`raw ioredis EVALSHA (trivial script)|${callers}`)!;
  const peer = best.get(`rate-limiter-flexible RateLimiterRedis|${callers}`)!;
  for (const name of Object.keys(contenders)) {
    const result = best.get(`${name}|${callers}`)!;
    console.log(
      `| ${callers} | ${name} | ${format(result.opsPerSecond)} | ${result.p50Us.toFixed(0)} | ${result.p99Us.toFixed(0)} | ` +
        `${(result.opsPerSecond / peer.opsPerSecond).toFixed(2)}× | ${(result.opsPerSecond / raw.opsPerSecond).toFixed(2)}× |`,
    );
  }
}
const ours1 = best.get('Botkeel RedisRateLimitStore|1')!;
const raw1 = best.get('raw ioredis EVALSHA (trivial script)|1')!;
console.log(
  `\nDecisions per script call (coalescing): ${[...perCall].map(([callers, ratio]) => `${ratio.toFixed(1)} at ${callers} caller(s)`).join(', ')}.`,
);
console.log(
  `One caller: Botkeel adds ${(ours1.p50Us - raw1.p50Us).toFixed(1)} µs to the raw round trip at p50.`,
);

for (const pattern of [`${prefix}:*`, `${prefix}-rlf*`]) {
  let cursor = '0';
  do {
    const [nextCursor, found] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
    cursor = nextCursor;
    if (found.length > 0) await client.del(...found);
  } while (cursor !== '0');
}
client.disconnect();
