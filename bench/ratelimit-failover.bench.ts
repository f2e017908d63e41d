/**
 * Failover of a Redis-backed rate limiter when Redis (a) is shut down (SIGKILL, then restarted) and
 * (b) stays up but stops answering (SIGSTOP, then SIGCONT). Botkeel's createRateLimiter with the
 * chain [RedisRateLimitStore, MemoryRateLimitStore] against rate-limiter-flexible's RateLimiterRedis
 * with a RateLimiterMemory insurance limiter, in three set-ups. Each run has its own redis-server on
 * a free loopback port (never 6379), a steady load of about 2 decisions per millisecond, a fault at
 * 700 ms, recovery 2 s later, and 1.5 s more to watch the way back.
 *
 * The same run measures the event loop: `monitorEventLoopDelay` (1 ms resolution) over the whole run,
 * the process's CPU share, and, for every call slower than storeTimeoutMs + 5 ms, how much of it the
 * loop was not running at all: the part of the longest pause between two ticks of the 1 ms load
 * timer that falls after the call's deadline. A timer cannot fire while the loop is paused (by the
 * OS giving the CPU to other processes, or by GC), so that part is lag of the process, not a wait our
 * code added; the "net of loop pauses" column is the worst latency minus it. The longest GC pause
 * (a `gc` PerformanceObserver) tells the two causes apart.
 *
 * Run: cd bench && TSX_TSCONFIG_PATH=../tsconfig.json node --expose-gc --import tsx ratelimit-failover.bench.ts
 * (`BENCH_STORE_TIMEOUT_MS=45` sets every contender's timeout; `BENCH_ONLY=Botkeel` runs one contender.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryRateLimitStore, createRateLimiter } from '@botkeel/core';
import { RedisRateLimitStore, redisClientOptions } from '@botkeel/store-redis';
import { Redis, type RedisOptions } from 'ioredis';
import {
  RLWrapperTimeouts,
  RateLimiterMemory,
  RateLimiterRedis,
  type RateLimiterRes,
} from 'rate-limiter-flexible';

const warmupMs = 700;
const outageMs = 2_000;
const afterMs = 1_500;
const settleMs = 8_000;
const perTick = 2;
/** `BENCH_STORE_TIMEOUT_MS` overrides the default 50 ms (a stall is detected when it runs out). */
const storeTimeoutMs = Number(process.env.BENCH_STORE_TIMEOUT_MS ?? 50);
const points = 1_000_000;
/** Reconnect every 100 ms (ioredis' default backs off to 2 s; ours to 1 s): the same for every set-up but the default one. */
const quickReconnect: Pick<RedisOptions, 'retryStrategy'> = { retryStrategy: () => 100 };

type Outcome = 'primary' | 'fallback' | 'error';
interface Call {
  startMs: number;
  endMs?: number;
  outcome?: Outcome;
}
interface Contender {
  decide(key: string): Promise<Outcome>;
  close(): Promise<void>;
}
type Fault = 'shutdown' | 'stall';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

const servers = new Set<ChildProcess>();
process.on('exit', () => {
  for (const server of servers) server.kill('SIGKILL');
});

async function startRedis(port: number): Promise<ChildProcess> {
  const server = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--protected-mode',
      'no',
    ],
    { stdio: 'ignore' },
  );
  servers.add(server);
  server.once('exit', () => servers.delete(server));
  const probe = new Redis({
    port,
    host: '127.0.0.1',
    lazyConnect: true,
    retryStrategy: () => 20,
    maxRetriesPerRequest: 0,
  });
  probe.on('error', () => undefined);
  for (let attempt = 0; attempt < 200; attempt += 1) {
    try {
      if (probe.status !== 'ready') await probe.connect();
      await probe.ping();
      probe.disconnect();
      return server;
    } catch {
      await sleep(20);
    }
  }
  probe.disconnect();
  throw new Error(`redis-server on port ${port} did not start`);
}

function stopRedis(server: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (server.exitCode !== null || server.signalCode !== null) return resolve();
    server.once('exit', () => resolve());
    server.kill('SIGCONT');
    server.kill('SIGKILL');
  });
}

async function connectedClient(port: number, options: RedisOptions): Promise<Redis> {
  const client = new Redis({ port, host: '127.0.0.1', lazyConnect: true, ...options });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

async function botkeel(port: number): Promise<Contender> {
  const client = await connectedClient(port, { ...redisClientOptions(1_000), ...quickReconnect });
  const limiter = createRateLimiter({
    rules: [{ name: 'user', limit: points, windowMs: 1_000 }],
    chain: [
      new RedisRateLimitStore({ client, keyPrefix: `bench-${randomUUID()}` }),
      new MemoryRateLimitStore(),
    ],
    storeTimeoutMs,
  });
  return {
    decide: async (key) =>
      (await limiter.consume({ user: key })).source === 'redis' ? 'primary' : 'fallback',
    close: () => Promise.resolve(client.disconnect()),
  };
}

type Flavor = 'default ioredis' | 'offline queue off' | 'offline queue off + RLWrapperTimeouts';

async function flexible(port: number, flavor: Flavor): Promise<Contender> {
  const options: RedisOptions =
    flavor === 'default ioredis'
      ? {}
      : { enableOfflineQueue: false, maxRetriesPerRequest: 1, ...quickReconnect };
  const client = await connectedClient(port, options);
  const insured = new WeakSet<object>();
  const insurance = new RateLimiterMemory({ points, duration: 1 });
  const insuranceConsume = insurance.consume.bind(insurance);
  insurance.consume = (...args: Parameters<typeof insurance.consume>) =>
    insuranceConsume(...args).then((result: RateLimiterRes) => {
      insured.add(result);
      return result;
    });
  const redisLimiter = new RateLimiterRedis({
    storeClient: client,
    keyPrefix: `bench-${randomUUID()}`,
    points,
    duration: 1,
    insuranceLimiter: insurance,
    rejectIfRedisNotReady: flavor !== 'default ioredis',
  });
  const limiter =
    flavor === 'offline queue off + RLWrapperTimeouts'
      ? new RLWrapperTimeouts({
          limiter: redisLimiter,
          timeoutMs: storeTimeoutMs,
          insuranceLimiter: insurance,
        })
      : redisLimiter;
  return {
    decide: async (key) => (insured.has(await limiter.consume(key)) ? 'fallback' : 'primary'),
    close: () => Promise.resolve(client.disconnect()),
  };
}

/** The 1-minute load average, from /proc/loadavg (empty where there is none). */
function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '';
  } catch {
    return '';
  }
}

function percentile(sorted: number[], share: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] as number;
}

async function run(name: string, make: (port: number) => Promise<Contender>, fault: Fault): Promise<string> {
  const port = await freePort();
  let server = await startRedis(port);
  const contender = await make(port);
  const calls: Call[] = [];
  const ticks: number[] = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 1 });
  loopDelay.enable();
  let longestGcMs = 0;
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) longestGcMs = Math.max(longestGcMs, entry.duration);
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const cpuAtStart = process.cpuUsage();
  const origin = performance.now();
  let sequence = 0;
  const fire = (): void => {
    ticks.push(performance.now() - origin);
    for (let index = 0; index < perTick; index += 1) {
      const call: Call = { startMs: performance.now() - origin };
      calls.push(call);
      contender.decide(`user-${(sequence += 1) % 1_000}`).then(
        (outcome) => Object.assign(call, { outcome, endMs: performance.now() - origin }),
        () => Object.assign(call, { outcome: 'error', endMs: performance.now() - origin }),
      );
    }
  };
  const load = setInterval(fire, 1);
  await sleep(warmupMs);
  const faultMs = performance.now() - origin;
  if (fault === 'shutdown') await stopRedis(server);
  else server.kill('SIGSTOP');
  await sleep(outageMs);
  const recoveryMs = performance.now() - origin;
  if (fault === 'shutdown') server = await startRedis(port);
  else server.kill('SIGCONT');
  await sleep(afterMs);
  clearInterval(load);
  const endMs = performance.now() - origin;
  loopDelay.disable();
  gcObserver.disconnect();
  const cpu = process.cpuUsage(cpuAtStart);
  const cpuShare = (cpu.user + cpu.system) / 1_000 / endMs;
  for (let waited = 0; waited < settleMs && calls.some((call) => call.endMs === undefined); waited += 50)
    await sleep(50);
  await contender.close();
  await stopRedis(server);

  const done = calls.filter((call) => call.endMs !== undefined);
  const pending = calls.length - done.length;
  const latency = (call: Call) => (call.endMs ?? endMs + settleMs) - call.startMs;
  const firstFallback = done
    .filter((call) => call.startMs >= faultMs - 50 && call.outcome === 'fallback')
    .reduce((earliest, call) => Math.min(earliest, call.endMs as number), Number.POSITIVE_INFINITY);
  const detectMs = firstFallback - faultMs;
  const caught = calls.filter(
    (call) => call.startMs <= faultMs && (call.endMs ?? Number.POSITIVE_INFINITY) > faultMs,
  );
  const caughtWorst = caught.reduce((worst, call) => Math.max(worst, latency(call)), 0);
  const outage = calls
    .filter((call) => call.startMs >= faultMs + 100 && call.startMs < recoveryMs)
    .map(latency)
    .sort((left, right) => left - right);
  const firstBack = done
    .filter((call) => call.startMs >= recoveryMs && call.outcome === 'primary')
    .reduce((earliest, call) => Math.min(earliest, call.endMs as number), Number.POSITIVE_INFINITY);
  const worst = calls
    .filter((call) => call.startMs >= faultMs - 50)
    .reduce((max, call) => Math.max(max, latency(call)), 0);
  /** The part of the loop's pauses (gaps between load ticks beyond 1 ms) after `call`'s deadline. */
  const pausedAfterDeadline = (call: Call): number => {
    const dueMs = call.startMs + storeTimeoutMs;
    const settledMs = call.endMs ?? endMs;
    let paused = 0;
    for (let index = 1; index < ticks.length; index += 1) {
      const before = ticks[index - 1] as number;
      const after = ticks[index] as number;
      if (after < dueMs || before > settledMs) continue;
      paused = Math.max(paused, Math.min(after, settledMs) - Math.max(before + 1, dueMs));
    }
    return paused;
  };
  const slow = calls.filter((call) => call.startMs >= faultMs - 50 && latency(call) > storeTimeoutMs + 5);
  const worstNet = calls
    .filter((call) => call.startMs >= faultMs - 50)
    .reduce(
      (max, call) =>
        Math.max(max, latency(call) - (latency(call) > storeTimeoutMs ? pausedAfterDeadline(call) : 0)),
      0,
    );
  const longestTickGap = ticks.reduce(
    (longest, tick, index) => (index === 0 ? 0 : Math.max(longest, tick - (ticks[index - 1] as number))),
    0,
  );
  if (process.env.BENCH_DEBUG !== undefined) {
    console.error(name, fault, 'fault', faultMs.toFixed(1), 'recovery', recoveryMs.toFixed(1));
    const gaps = ticks
      .map((tick, index) => ({ atMs: tick, gapMs: index === 0 ? 0 : tick - (ticks[index - 1] as number) }))
      .sort((left, right) => right.gapMs - left.gapMs)
      .slice(0, 5);
    console.error(
      `  longest gaps between load ticks: ${gaps.map((gap) => `${gap.gapMs.toFixed(1)} ms ending at ${gap.atMs.toFixed(0)}`).join(', ')}`,
    );
    for (const call of slow.slice(0, 20))
      console.error(
        `  start ${call.startMs.toFixed(1)} latency ${latency(call).toFixed(1)} ${call.outcome}; loop paused ${pausedAfterDeadline(call).toFixed(1)} ms after its deadline`,
      );
  }
  const errors = done.filter((call) => call.outcome === 'error').length;
  const ms = (value: number) =>
    Number.isFinite(value) ? `${value.toFixed(value < 10 ? 2 : 0)} ms` : 'never';
  return `| ${fault} | ${name} | ${ms(detectMs)} | ${caught.length} / ${ms(caughtWorst)} | ${ms(percentile(outage, 0.5))} / ${ms(percentile(outage, 0.99))} | ${ms(worst)}${pending > 0 ? ` (${pending} still pending)` : ''} | ${ms(firstBack - recoveryMs)} | ${errors} | ${calls.length} | ${ms(worstNet)} (${slow.length} over ${storeTimeoutMs + 5} ms) | ${ms(loopDelay.percentile(99) / 1e6)} / ${ms(loopDelay.max / 1e6)} / ${ms(longestTickGap)} | ${ms(longestGcMs)} | ${(cpuShare * 100).toFixed(0)}% | ${loadAverage()} |`;
}

const contenders: [string, (port: number) => Promise<Contender>][] = [
  [`Botkeel createRateLimiter [redis, memory], storeTimeoutMs ${storeTimeoutMs}`, botkeel],
  ['rate-limiter-flexible + insurance, default ioredis', (port) => flexible(port, 'default ioredis')],
  ['rate-limiter-flexible + insurance, offline queue off', (port) => flexible(port, 'offline queue off')],
  [
    `rate-limiter-flexible + insurance, offline queue off, RLWrapperTimeouts ${storeTimeoutMs} ms`,
    (port) => flexible(port, 'offline queue off + RLWrapperTimeouts'),
  ],
];

const only = process.env.BENCH_ONLY;
const rows: string[] = [];
for (const fault of ['shutdown', 'stall'] as const) {
  for (const [name, make] of contenders) {
    if (only === undefined || name.includes(only)) rows.push(await run(name, make, fault));
  }
}
console.log(
  `Node ${process.version}; load ${perTick} decisions per 1 ms timer tick; fault at ${warmupMs} ms, recovery ${outageMs} ms later; ioredis reconnect every 100 ms except "default ioredis"\n`,
);
console.log(
  '| fault | limiter | detect (first fallback answer) | calls in flight at the fault / their worst latency | p50 / p99 during the outage | worst latency of any call | back on Redis after recovery | errors | calls | worst latency net of loop pauses after its deadline (calls over the bound) | event-loop delay p99 / max, longest gap between 1 ms load ticks | longest GC pause | CPU share of this process | load average (1 min) at the end |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const row of rows) console.log(row);
