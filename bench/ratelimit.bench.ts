/**
 * In-memory rate limiting: Botkeel's MemoryRateLimitStore (and the full createRateLimiter chain in
 * front of it) against rate-limiter-flexible's RateLimiterMemory, same process, same workload.
 *
 * Run: cd bench && TSX_TSCONFIG_PATH=../tsconfig.json node --expose-gc --import tsx ratelimit.bench.ts
 */
import { MemoryRateLimitStore, createRateLimiter } from '@botkeel/core';
import { RateLimiterMemory } from 'rate-limiter-flexible';

const keyCount = 10_000;
const keys = Array.from({ length: keyCount }, (_, index) => `user:${index}`);
const roundMs = 400;
const rounds = 12;

interface Contender {
  name: string;
  /** One decision; resolves whether it was allowed. */
  decide: (key: string) => Promise<boolean>;
}

/**
 * Decisions per CPU-second of `decide`, called one after another (each awaited) for about
 * `roundMs` of wall time. CPU time (user + system of this process) rather than wall time, so other
 * processes on a shared machine do not skew the comparison.
 */
async function measure(contender: Contender): Promise<number> {
  let decisions = 0;
  let allowed = 0;
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const budget = BigInt(roundMs) * 1_000_000n;
  let index = 0;
  for (;;) {
    for (let step = 0; step < 10_000; step += 1) {
      if (await contender.decide(keys[index] as string)) allowed += 1;
      index = index + 1 === keyCount ? 0 : index + 1;
    }
    decisions += 10_000;
    if (process.hrtime.bigint() - started >= budget) break;
  }
  const cpu = process.cpuUsage(cpuStart);
  const seconds = (cpu.user + cpu.system) / 1e6;
  if (allowed === 0) throw new Error(`${contender.name}: nothing was allowed, the workload is wrong`);
  return decisions / seconds;
}

/**
 * The best of `rounds` alternating runs (alternating so neither side gets a warmer JIT or GC), each
 * on fresh limiters so every round starts from the same state.
 */
async function compare(ours: () => Contender, theirs: () => Contender): Promise<[number, number]> {
  let best: [number, number] = [0, 0];
  for (let round = 0; round < rounds; round += 1) {
    globalThis.gc?.();
    const ourRate = await measure(ours());
    globalThis.gc?.();
    const theirRate = await measure(theirs());
    best = [Math.max(best[0], ourRate), Math.max(best[1], theirRate)];
  }
  return best;
}

function scenario(points: number, durationSeconds: number) {
  const rule = { limit: points, windowMs: durationSeconds * 1_000 };
  const store = new MemoryRateLimitStore();
  const limiter = createRateLimiter({ rules: [rule], chain: [new MemoryRateLimitStore()] });
  const flexible = new RateLimiterMemory({ points, duration: durationSeconds });
  const storeContender: Contender = {
    name: 'MemoryRateLimitStore.consume',
    decide: async (key) => (await store.consume([{ key, rule }], 1)).allowed,
  };
  const limiterContender: Contender = {
    name: 'createRateLimiter({ chain: [memory] }).consume',
    decide: async (key) => (await limiter.consume(key)).allowed,
  };
  const flexibleContender: Contender = {
    name: 'RateLimiterMemory.consume',
    decide: (key) =>
      flexible.consume(key, 1).then(
        () => true,
        () => false,
      ),
  };
  return { storeContender, limiterContender, flexibleContender };
}

const format = (rate: number) => `${(rate / 1e6).toFixed(2)} M/s`;
const rows: string[] = [];

for (const [label, points, durationSeconds] of [
  ['mostly allowed (1,000,000 per 60 s per key)', 1_000_000, 60],
  ['mostly denied (5 per 60 s per key)', 5, 60],
] as const) {
  const fresh = () => scenario(points, durationSeconds);
  const [storeRate, flexibleRate] = await compare(
    () => fresh().storeContender,
    () => fresh().flexibleContender,
  );
  const [limiterRate, flexibleRateAgain] = await compare(
    () => fresh().limiterContender,
    () => fresh().flexibleContender,
  );
  const theirs = Math.max(flexibleRate, flexibleRateAgain);
  rows.push(
    `| ${label} | MemoryRateLimitStore | ${format(storeRate)} | ${format(theirs)} | ${(storeRate / theirs).toFixed(2)} |`,
  );
  rows.push(
    `| ${label} | createRateLimiter, chain [memory] | ${format(limiterRate)} | ${format(theirs)} | ${(limiterRate / theirs).toFixed(2)} |`,
  );
}

console.log(
  `Node ${process.version}, ${keyCount.toLocaleString('en')} keys round-robin, one awaited decision at a time, decisions per CPU-second of this process, best of ${rounds} alternating ${roundMs} ms rounds\n`,
);
console.log(
  '| workload | ours | ours (decisions per CPU-s) | rate-limiter-flexible RateLimiterMemory | ratio |',
);
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(row);
