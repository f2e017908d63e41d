/**
 * Overhead per call of breaker + retry (+ timeout) around an already-resolved promise, and memory
 * per breaker: Botkeel's createCircuitBreaker / retry / withTimeout against cockatiel
 * (`wrap(retry, circuitBreaker, timeout)`) and opossum, same process, same run.
 *
 * Run: cd bench && TSX_TSCONFIG_PATH=../tsconfig.json node --expose-gc --import tsx resilience.bench.ts
 */
import { createCircuitBreaker, retry as botkeelRetry, withTimeout, type RetryOptions } from '@botkeel/core';
import {
  ConsecutiveBreaker,
  ExponentialBackoff,
  TimeoutStrategy,
  circuitBreaker,
  handleAll,
  retry as cockatielRetry,
  timeout as cockatielTimeout,
  wrap,
} from 'cockatiel';
import { createRequire } from 'node:module';

/** The part of opossum's API used here (opossum ships no types). */
interface OpossumBreaker {
  fire(): Promise<unknown>;
  shutdown(): void;
}
type OpossumConstructor = new (
  action: () => Promise<number>,
  options: { timeout: number | false; errorThresholdPercentage?: number; resetTimeout: number },
) => OpossumBreaker;
const OpossumBreaker = createRequire(import.meta.url)('opossum') as OpossumConstructor;

const roundMs = 250;
const rounds = 8;

interface Contender {
  name: string;
  call: () => Promise<number>;
}

/**
 * Collects garbage and lets finalizers and timers of the previous contender run (Node finalizes
 * AbortSignals in later tasks), so no contender pays for another's garbage.
 */
async function quiesce(): Promise<void> {
  for (let pass = 0; pass < 4; pass += 1) {
    globalThis.gc?.();
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** CPU nanoseconds per call, calls awaited one after another for about `roundMs`. */
async function measure(contender: Contender): Promise<number> {
  let calls = 0;
  let sum = 0;
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const budget = BigInt(roundMs) * 1_000_000n;
  for (;;) {
    for (let step = 0; step < 5_000; step += 1) sum += await contender.call();
    calls += 5_000;
    if (process.hrtime.bigint() - started >= budget) break;
  }
  const cpu = process.cpuUsage(cpuStart);
  if (sum !== calls) throw new Error(`${contender.name}: wrong results`);
  return ((cpu.user + cpu.system) * 1_000) / calls;
}

/** Best (lowest) ns/op of each contender over alternating rounds. */
async function compare(contenders: Contender[]): Promise<Map<string, number>> {
  const best = new Map<string, number>();
  for (let round = 0; round < rounds; round += 1) {
    for (const contender of contenders) {
      await quiesce();
      const nanoseconds = await measure(contender);
      best.set(contender.name, Math.min(best.get(contender.name) ?? Number.POSITIVE_INFINITY, nanoseconds));
    }
  }
  return best;
}

const resolved = (): Promise<number> => Promise.resolve(1);
const resolvedWithSignal = (_signal: AbortSignal): Promise<number> => Promise.resolve(1);

const ourBreaker = createCircuitBreaker({ name: 'bench', consecutiveFailures: 5, halfOpenAfterMs: 10_000 });
const retryOptions: RetryOptions = { maxAttempts: 3 };
const ourTimedBreaker = createCircuitBreaker({
  name: 'bench-timed',
  consecutiveFailures: 5,
  halfOpenAfterMs: 10_000,
});

const cockatielBreaker = circuitBreaker(handleAll, {
  halfOpenAfter: 10_000,
  breaker: new ConsecutiveBreaker(5),
});
const cockatielRetryPolicy = cockatielRetry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() });
const cockatielRetryBreaker = wrap(cockatielRetryPolicy, cockatielBreaker);
const cockatielAll = wrap(
  cockatielRetry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() }),
  circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
  cockatielTimeout(1_000, TimeoutStrategy.Cooperative),
);

const opossumPlain = new OpossumBreaker(resolved, {
  timeout: false,
  errorThresholdPercentage: 50,
  resetTimeout: 10_000,
});
const opossumTimed = new OpossumBreaker(resolved, {
  timeout: 1_000,
  errorThresholdPercentage: 50,
  resetTimeout: 10_000,
});

const contenders: Contender[] = [
  { name: 'raw await', call: resolved },
  {
    name: 'botkeel breaker+retry',
    call: () => ourBreaker.execute(() => botkeelRetry(resolved, retryOptions)),
  },
  {
    name: 'botkeel breaker+retry+timeout',
    call: () =>
      ourTimedBreaker.execute(() => botkeelRetry(() => withTimeout(resolvedWithSignal, 1_000), retryOptions)),
  },
  { name: 'cockatiel retry+breaker', call: () => cockatielRetryBreaker.execute(resolved) },
  { name: 'cockatiel retry+breaker+timeout', call: () => cockatielAll.execute(resolved) },
  { name: 'opossum breaker', call: () => opossumPlain.fire() as Promise<number> },
  { name: 'opossum breaker+timeout', call: () => opossumTimed.fire() as Promise<number> },
];

/** Retained heap bytes per breaker, from creating `count` of them. */
function bytesPerBreaker(make: () => unknown, count = 20_000): number {
  const keep: unknown[] = new Array<unknown>(count);
  globalThis.gc?.();
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  for (let index = 0; index < count; index += 1) keep[index] = make();
  globalThis.gc?.();
  globalThis.gc?.();
  const after = process.memoryUsage().heapUsed;
  if (keep.length !== count) throw new Error('unreachable');
  return (after - before) / count;
}

const results = await compare(contenders);
const opossumInstances: OpossumBreaker[] = [];
const memory = {
  botkeel: bytesPerBreaker(() => createCircuitBreaker({ consecutiveFailures: 5, halfOpenAfterMs: 10_000 })),
  cockatiel: bytesPerBreaker(() =>
    circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) }),
  ),
  opossum: bytesPerBreaker(() => {
    const breaker = new OpossumBreaker(resolved, { timeout: false, resetTimeout: 10_000 });
    opossumInstances.push(breaker);
    return breaker;
  }, 5_000),
};
for (const breaker of opossumInstances) breaker.shutdown();
opossumPlain.shutdown();
opossumTimed.shutdown();

const ns = (name: string): number => results.get(name) ?? Number.NaN;
const row = (what: string, ours: string, theirs: string, peer: string): string => {
  const ourValue = ns(ours);
  const theirValue = ns(theirs);
  return `| ${what} | ${ourValue.toFixed(0)} | ${peer} ${theirValue.toFixed(0)} | ${(theirValue / ourValue).toFixed(2)}× |`;
};
console.log(
  `Node ${process.version}, CPU ns per call (best of ${rounds} alternating rounds of ${roundMs} ms), raw await = ${ns('raw await').toFixed(0)} ns\n`,
);
console.log('| workload | botkeel ns/op | peer ns/op | peer ÷ botkeel |');
console.log('| --- | ---: | ---: | ---: |');
console.log(row('breaker + retry', 'botkeel breaker+retry', 'cockatiel retry+breaker', 'cockatiel'));
console.log(
  row(
    'breaker + retry + timeout',
    'botkeel breaker+retry+timeout',
    'cockatiel retry+breaker+timeout',
    'cockatiel',
  ),
);
console.log(row('breaker (+ retry for botkeel)', 'botkeel breaker+retry', 'opossum breaker', 'opossum'));
console.log(
  row(
    'breaker + timeout (+ retry for botkeel)',
    'botkeel breaker+retry+timeout',
    'opossum breaker+timeout',
    'opossum',
  ),
);
console.log('');
console.log('| memory per breaker | bytes |');
console.log('| --- | ---: |');
console.log(`| botkeel createCircuitBreaker | ${memory.botkeel.toFixed(0)} |`);
console.log(`| cockatiel circuitBreaker | ${memory.cockatiel.toFixed(0)} |`);
console.log(`| opossum CircuitBreaker | ${memory.opossum.toFixed(0)} |`);
