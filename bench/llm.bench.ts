/**
 * Router overhead per call with a zero-latency provider: Botkeel's createLlmRouter (breaker, retry,
 * per-attempt timeout, deadline, fallback) against the same stack assembled from cockatiel
 * (`wrap(fallback, retry, circuitBreaker, timeout)`), and a bare provider call, same process, same run.
 *
 * Run: cd bench && TSX_TSCONFIG_PATH=../tsconfig.json node --expose-gc --import tsx llm.bench.ts
 */
import { createLlmRouter, type LlmCompletion, type LlmProvider, type LlmRequest } from '@botkeel/core';
import {
  ConsecutiveBreaker,
  ExponentialBackoff,
  TimeoutStrategy,
  circuitBreaker,
  fallback,
  handleAll,
  retry,
  timeout,
  wrap,
} from 'cockatiel';

const roundMs = 250;
const rounds = 8;

const answer: LlmCompletion = { text: 'ok', model: 'zero', usage: { promptTokens: 1, completionTokens: 1 } };
const zeroLatency: LlmProvider = { name: 'zero', complete: () => Promise.resolve(answer) };
const request: LlmRequest = { messages: [{ role: 'user', content: 'Hi' }] };
const neverAborted = new AbortController().signal;

const router = createLlmRouter({
  providers: [zeroLatency],
  breaker: { consecutiveFailures: 5, halfOpenAfterMs: 30_000 },
  retry: { maxAttempts: 3 },
  attemptTimeoutMs: 30_000,
  deadlineMs: 120_000,
  fallback: 'Sorry, one moment.',
});

const cockatielStack = wrap(
  fallback(handleAll, () => ({ ...answer, text: 'Sorry, one moment.' })),
  retry(handleAll, { maxAttempts: 3, backoff: new ExponentialBackoff() }),
  circuitBreaker(handleAll, { halfOpenAfter: 30_000, breaker: new ConsecutiveBreaker(5) }),
  timeout(30_000, TimeoutStrategy.Cooperative),
);

interface Contender {
  name: string;
  call: () => Promise<{ text: string }>;
}

const contenders: Contender[] = [
  { name: 'bare provider', call: () => zeroLatency.complete(request, neverAborted) },
  { name: 'botkeel router', call: () => router.complete(request) },
  {
    name: 'cockatiel stack',
    call: () => cockatielStack.execute(({ signal }) => zeroLatency.complete(request, signal)),
  },
];

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

async function measure(contender: Contender): Promise<number> {
  let calls = 0;
  const started = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const budget = BigInt(roundMs) * 1_000_000n;
  for (;;) {
    for (let step = 0; step < 1_000; step += 1) {
      const reply = await contender.call();
      if (reply.text !== 'ok') throw new Error(`${contender.name}: wrong answer`);
    }
    calls += 1_000;
    if (process.hrtime.bigint() - started >= budget) break;
  }
  const cpu = process.cpuUsage(cpuStart);
  return ((cpu.user + cpu.system) * 1_000) / calls;
}

const best = new Map<string, number>();
for (let round = 0; round < rounds; round += 1) {
  for (const contender of contenders) {
    await quiesce();
    const nanoseconds = await measure(contender);
    best.set(contender.name, Math.min(best.get(contender.name) ?? Number.POSITIVE_INFINITY, nanoseconds));
  }
}
const bare = best.get('bare provider') ?? Number.NaN;
const ours = best.get('botkeel router') ?? Number.NaN;
const theirs = best.get('cockatiel stack') ?? Number.NaN;
console.log(
  `Node ${process.version}, CPU ns per call (best of ${rounds} alternating rounds of ${roundMs} ms)\n`,
);
console.log('| workload | botkeel ns/op | cockatiel ns/op | cockatiel ÷ botkeel |');
console.log('| --- | ---: | ---: | ---: |');
console.log(
  `| zero-latency provider, breaker + retry + timeout + deadline + fallback | ${ours.toFixed(0)} | ${theirs.toFixed(0)} | ${(theirs / ours).toFixed(2)}× |`,
);
console.log(
  `\nBare provider call: ${bare.toFixed(0)} ns; router overhead: ${(ours - bare).toFixed(0)} ns per call.`,
);
