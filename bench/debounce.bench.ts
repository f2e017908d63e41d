/**
 * Debouncing: Botkeel's createDebouncer on a MemoryDebounceStore against the "in-memory dict" it
 * replaces — a Map of per-key buffers with one setTimeout per key (clear and re-arm on every push,
 * flush on quiet or max wait), the usual hand-written per-chat debounce. The naive one keeps no
 * lease, no batch id, nothing across processes; the figures show what those guarantees cost.
 * There is no maintained npm package for per-key batching debounce with these semantics to compare with.
 *
 * Run: cd bench && TSX_TSCONFIG_PATH=../tsconfig.json node --expose-gc --import tsx debounce.bench.ts
 */
import { MemoryDebounceStore, createDebouncer } from '@botkeel/core';

const keyCount = 20_000;
const itemsPerKey = 5;
const rounds = 4;

type Flush = (key: string, items: string[]) => void;

interface Contender {
  readonly name: string;
  push(key: string, item: string): Promise<unknown>;
  /** Resolves when every pending burst was flushed (quiet time passing by itself). */
  close(): Promise<void>;
}

interface ContenderOptions {
  quietMs: number;
  maxWaitMs: number;
  onFlush: Flush;
}

function ours(options: ContenderOptions): Contender {
  const debouncer = createDebouncer<string>({
    store: new MemoryDebounceStore(),
    quietMs: options.quietMs,
    maxWaitMs: options.maxWaitMs,
    maxItems: 1_000,
    concurrency: 256,
    onFlush: (key, items) => options.onFlush(key, items),
  });
  debouncer.start();
  return {
    name: 'createDebouncer + MemoryDebounceStore',
    push: (key, item) => debouncer.push(key, item),
    close: () => debouncer.stop({ drain: false }),
  };
}

/** The baseline: a dict of buffers and a timer per key. */
function naive(options: ContenderOptions): Contender {
  interface Buffer {
    items: string[];
    firstAtMs: number;
    timer: NodeJS.Timeout;
  }
  const buffers = new Map<string, Buffer>();
  const flush = (key: string): void => {
    const buffer = buffers.get(key);
    if (buffer === undefined) return;
    buffers.delete(key);
    options.onFlush(key, buffer.items);
  };
  return {
    name: 'naive Map + setTimeout per key',
    push(key, item) {
      const nowMs = Date.now();
      let buffer = buffers.get(key);
      if (buffer === undefined) {
        buffer = { items: [], firstAtMs: nowMs, timer: setTimeout(() => flush(key), options.quietMs) };
        buffers.set(key, buffer);
      } else {
        clearTimeout(buffer.timer);
        const waitMs = Math.min(options.quietMs, buffer.firstAtMs + options.maxWaitMs - nowMs);
        buffer.timer = setTimeout(() => flush(key), Math.max(0, waitMs));
      }
      buffer.items.push(item);
      return Promise.resolve();
    },
    close() {
      for (const buffer of buffers.values()) clearTimeout(buffer.timer);
      buffers.clear();
      return Promise.resolve();
    },
  };
}

const keys = Array.from({ length: keyCount }, (_, index) => `chat:${index}`);

/** CPU time (user + system) this process has used, in ms: other work on the machine does not count. */
const cpuMs = (): number => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1_000;
};

/** Awaited pushes per CPU-second: `itemsPerKey` rounds over all keys, nothing falls due meanwhile. */
async function pushRate(make: (options: ContenderOptions) => Contender): Promise<number> {
  const contender = make({ quietMs: 600_000, maxWaitMs: 600_000, onFlush: () => undefined });
  const started = cpuMs();
  for (let round = 0; round < itemsPerKey; round += 1) {
    for (const key of keys) await contender.push(key, `message ${round} of ${key}`);
  }
  const seconds = (cpuMs() - started) / 1_000;
  await contender.close();
  return (keyCount * itemsPerKey) / seconds;
}

/**
 * CPU ms from the first push until every item was flushed, with a 20 ms quiet time (pushes to one key
 * are further apart than that, so every item is its own burst: 100,000 flushes).
 */
async function burstToFlush(make: (options: ContenderOptions) => Contender): Promise<number> {
  let flushedItems = 0;
  let resolveAll!: () => void;
  const allFlushed = new Promise<void>((resolve) => {
    resolveAll = resolve;
  });
  const contender = make({
    quietMs: 20,
    maxWaitMs: 200,
    onFlush: (_key, items) => {
      flushedItems += items.length;
      if (flushedItems === keyCount * itemsPerKey) resolveAll();
    },
  });
  const started = cpuMs();
  for (let round = 0; round < itemsPerKey; round += 1) {
    for (const key of keys) await contender.push(key, `message ${round} of ${key}`);
  }
  await allFlushed;
  const elapsedMs = cpuMs() - started;
  await contender.close();
  return elapsedMs;
}

/** Retained heap per key with one pending item each (after a full GC). */
async function heapPerPendingKey(make: (options: ContenderOptions) => Contender): Promise<number> {
  globalThis.gc?.();
  const before = process.memoryUsage().heapUsed;
  const contender = make({ quietMs: 600_000, maxWaitMs: 600_000, onFlush: () => undefined });
  for (const key of keys) await contender.push(key, 'hi');
  globalThis.gc?.();
  const after = process.memoryUsage().heapUsed;
  await contender.close();
  return (after - before) / keyCount;
}

/** Best of `rounds` alternating runs (ours, then naive), so neither side gets a quieter moment or a warmer JIT. */
async function compare(
  measure: (make: (options: ContenderOptions) => Contender) => Promise<number>,
  better: 'higher' | 'lower',
): Promise<[number, number]> {
  const pick = better === 'higher' ? Math.max : Math.min;
  let best: [number, number] = better === 'higher' ? [0, 0] : [Infinity, Infinity];
  for (let round = 0; round < rounds; round += 1) {
    globalThis.gc?.();
    const oursValue = await measure(ours);
    globalThis.gc?.();
    const naiveValue = await measure(naive);
    best = [pick(best[0], oursValue), pick(best[1], naiveValue)];
  }
  return best;
}

const number = (value: number) => Math.round(value).toLocaleString('en');
const rows: string[] = [];
const [pushOurs, pushTheirs] = await compare(pushRate, 'higher');
rows.push(
  `| awaited pushes per CPU-second (${number(keyCount)} keys × ${itemsPerKey}) | ${number(pushOurs)} | ${number(pushTheirs)} | ${(pushOurs / pushTheirs).toFixed(2)} |`,
);
const [flushOurs, flushTheirs] = await compare(burstToFlush, 'lower');
rows.push(
  `| CPU ms to push and flush ${number(keyCount * itemsPerKey)} items, quiet 20 ms (lower is better) | ${number(flushOurs)} | ${number(flushTheirs)} | ${(flushOurs / flushTheirs).toFixed(2)} |`,
);
const [heapOurs, heapTheirs] = await compare(heapPerPendingKey, 'lower');
rows.push(
  `| heap per key with one pending item (bytes, lower is better) | ${number(heapOurs)} | ${number(heapTheirs)} | ${(heapOurs / heapTheirs).toFixed(2)} |`,
);

console.log(`Node ${process.version}, best of ${rounds} alternating rounds each\n`);
console.log(
  '| workload | createDebouncer + MemoryDebounceStore | naive Map + setTimeout per key | ratio (ours / naive) |',
);
console.log('|---|---|---|---|');
for (const row of rows) console.log(row);
