/**
 * Rate limiting on Redis: Botkeel's RedisRateLimitStore (alone, and through createRateLimiter as
 * users call it) against rate-limiter-flexible's RateLimiterRedis on the same Redis (127.0.0.1:6379)
 * and the same ioredis connection, plus two raw `EVALSHA`s: a trivial one-key script (one round
 * trip, the physical limit) and a script doing only `TIME`, `GET` and `SET … PX` (the least any
 * limiter that reads and writes its state by Redis' clock must do). One caller (each call awaited)
 * and 50 concurrent callers; decisions/s, p50 and p99 latency.
 *
 * Run: cd bench && TSX_TSCONFIG_PATH=../tsconfig.json node --expose-gc --import tsx redis-ratelimit.bench.ts
 */
import { randomUUID } from 'node:crypto';
import { createRateLimiter } from '@botkeel/core';
import { RedisRateLimitStore, redisClientOptions } from '@botkeel/store-redis';
import { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';

// Many short rounds, contenders interleaved (and the order rotated each round), every latency pooled
// per contender: load on this shared machine comes and goes within seconds, and short interleaved
// slices spread it evenly over the contenders instead of letting one unlucky long round decide.
const roundMs = 300;
const rounds = 10;
const keyCount = 1_000;
const prefix = `bench-rl-${randomUUID().slice(0, 8)}`;
const keys = Array.from({ length: keyCount }, (_, index) => `user:${index}`);

interface Result {
  opsPerSecond: number;
  p50Us: number;
  p99Us: number;
}

interface Sample {
  latencies: number[];
  seconds: number;
}

/** `callers` loops, each awaiting `decide` back to back for `roundMs`; every call's latency kept. */
async function measure(decide: (key: string) => Promise<unknown>, callers: number): Promise<Sample> {
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
  return { latencies, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** Throughput and latency quantiles of every round of one contender together. */
function summarize(samples: readonly Sample[]): Result {
  const latencies = samples.flatMap((sample) => sample.latencies).sort((a, b) => a - b);
  const seconds = samples.reduce((total, sample) => total + sample.seconds, 0);
  const at = (quantile: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * quantile))] ?? 0;
  return { opsPerSecond: latencies.length / seconds, p50Us: at(0.5), p99Us: at(0.99) };
}

const client = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, ...redisClientOptions() });
await client.connect();

const trivialSha = (await client.script('LOAD', 'return 1')) as string;
const floorSha = (await client.script(
  'LOAD',
  "redis.call('TIME') redis.call('GET', KEYS[1]) redis.call('SET', KEYS[1], ARGV[1], 'PX', 3600000) return 1",
)) as string;
// Script calls are counted where every command of the connection passes (the same small cost for
// every contender), so the run shows how many decisions each call carried (the coalescing). (A
// Proxy around the client would tax only the store's calls.)
let scriptCalls = 0;
const sendCommand = client.sendCommand.bind(client);
client.sendCommand = (command, stream) => {
  if (command.name === 'evalsha' || command.name === 'eval') scriptCalls += 1;
  return sendCommand(command, stream);
};
const store = new RedisRateLimitStore({ client, keyPrefix: prefix });
let decisions = 0;
// A roomy per-user rule (100,000 per hour): every decision is allowed and every key stays alive.
const rule = { limit: 100_000, windowMs: 3_600_000 };
const theirs = new RateLimiterRedis({
  storeClient: client,
  keyPrefix: `${prefix}-rlf`,
  points: 100_000,
  duration: 3_600,
});

// A roomy store timeout: on this shared machine a decision now and then takes longer than the
// default 50 ms, and the limiter would hand it to the policy (deny); those are counted, not thrown.
const limiter = createRateLimiter({
  rules: [{ name: 'user', ...rule }],
  chain: [store],
  storeTimeoutMs: 1_000,
});
let policyDecisions = 0;

const ours = 'Botkeel RedisRateLimitStore';
const oursLimiter = 'Botkeel createRateLimiter(RedisRateLimitStore)';
const contenders: Record<string, (key: string) => Promise<unknown>> = {
  'raw ioredis EVALSHA (trivial script)': (key) => client.evalsha(trivialSha, 1, `${prefix}:raw:${key}`),
  'raw ioredis EVALSHA (TIME+GET+SET only)': (key) =>
    client.evalsha(floorSha, 1, `${prefix}:floor:${key}`, '1764400000000.123'),
  [ours]: async (key) => {
    decisions += 1;
    const decision = await store.consume([{ key, rule }], 1);
    if (!decision.allowed) throw new Error('the workload must be allowed');
  },
  [oursLimiter]: async (key) => {
    decisions += 1;
    const decision = await limiter.consume(key);
    if (decision.source !== 'redis') policyDecisions += 1;
    else if (!decision.allowed) throw new Error('the workload must be allowed');
  },
  'rate-limiter-flexible RateLimiterRedis': (key) => theirs.consume(key, 1),
};

const samples = new Map<string, Sample[]>();
const counts = new Map<string, { decisions: number; calls: number }>();
const entries = Object.entries(contenders);
for (const callers of [1, 50]) {
  for (let round = 0; round < rounds; round += 1) {
    for (let slot = 0; slot < entries.length; slot += 1) {
      const [name, decide] = entries[(slot + round) % entries.length]!;
      globalThis.gc?.();
      const callsBefore = scriptCalls;
      const decisionsBefore = decisions;
      const id = `${name}|${callers}`;
      samples.set(id, [...(samples.get(id) ?? []), await measure(decide, callers)]);
      if (name === ours || name === oursLimiter) {
        const label = `${callers === 1 ? 'one caller' : `${callers} callers`}, ${name}`;
        const count = counts.get(label) ?? { decisions: 0, calls: 0 };
        count.decisions += decisions - decisionsBefore;
        count.calls += scriptCalls - callsBefore;
        counts.set(label, count);
      }
    }
  }
}
const best = new Map([...samples].map(([id, list]) => [id, summarize(list)]));
const perCall = new Map(
  [...counts].map(([label, count]) => [label, count.decisions / Math.max(1, count.calls)]),
);

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
const raw1 = best.get('raw ioredis EVALSHA (trivial script)|1')!;
const floor1 = best.get('raw ioredis EVALSHA (TIME+GET+SET only)|1')!;
const peer1 = best.get('rate-limiter-flexible RateLimiterRedis|1')!;
console.log('\nDecisions per script call (coalescing):');
for (const [label, ratio] of perCall) console.log(`- ${label}: ${ratio.toFixed(1)}`);
console.log(`\nDecisions not made by Redis (store timeout, policy): ${policyDecisions}.`);
console.log('\nOne caller, p50 added to the raw trivial round trip:');
for (const name of [
  'raw ioredis EVALSHA (TIME+GET+SET only)',
  ours,
  oursLimiter,
  'rate-limiter-flexible RateLimiterRedis',
]) {
  const result = best.get(`${name}|1`)!;
  console.log(`- ${name}: ${(result.p50Us - raw1.p50Us).toFixed(1)} µs`);
}
const ours50 = best.get(`${oursLimiter}|50`)!;
const peer50 = best.get('rate-limiter-flexible RateLimiterRedis|50')!;
console.log(
  `\n50 callers through createRateLimiter: ${(ours50.opsPerSecond / peer50.opsPerSecond).toFixed(2)}× rate-limiter-flexible, ` +
    `p99 ${ours50.p99Us.toFixed(0)} vs ${peer50.p99Us.toFixed(0)} µs; one caller p50 ${(best.get(`${oursLimiter}|1`)!.p50Us - floor1.p50Us).toFixed(1)} µs over the TIME+GET+SET floor, ${(best.get(`${oursLimiter}|1`)!.p50Us - peer1.p50Us).toFixed(1)} µs vs rate-limiter-flexible.`,
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
