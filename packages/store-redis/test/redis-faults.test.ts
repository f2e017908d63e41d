import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { MemoryRateLimitStore, createDebouncer, createRateLimiter, type Debouncer } from '@botkeel/core';
import {
  RedisBreakerStateStore,
  RedisDebounceStore,
  RedisDedupeStore,
  RedisRateLimitStore,
} from '@botkeel/store-redis';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gcraOneScript } from '../src/ratelimit/gcra-one-script.js';
import { connectRedis } from './helpers/redis.js';
import { startOwnRedisServer, type OwnRedisServer } from './helpers/redis-server.js';

// A redis-server of our own on a free loopback port (the shared 6379 is never stopped), with an
// append-only file synced on every write, so data written before a SIGKILL is there after restart.
const commandTimeoutMs = 300;
const keyPrefix = 'faults';
const dataDirectory = mkdtempSync(join(tmpdir(), 'botkeel-redis-faults-'));
let server: OwnRedisServer;
let client: Redis;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(10);
  }
}

async function failure(promise: Promise<unknown>): Promise<{ code: unknown; elapsedMs: number }> {
  const startedAt = performance.now();
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  return { code: (error as { code?: unknown } | undefined)?.code, elapsedMs: performance.now() - startedAt };
}

async function restart(): Promise<void> {
  await server.start();
  await waitFor(() => client.status === 'ready', 5_000);
}

beforeAll(async () => {
  server = await startOwnRedisServer([
    '--dir',
    dataDirectory,
    '--appendonly',
    'yes',
    '--appendfsync',
    'always',
  ]);
  client = await connectRedis(server.port, commandTimeoutMs);
  client.on('error', () => undefined);
});

afterAll(async () => {
  client.disconnect();
  await server.stop();
  rmSync(dataDirectory, { recursive: true, force: true });
});

describe('Redis stores when Redis goes away', () => {
  it('fail fast with STORE_UNAVAILABLE while Redis is killed, and work again after a restart', async () => {
    const dedupe = new RedisDedupeStore({ client, keyPrefix });
    const limits = new RedisRateLimitStore({ client, keyPrefix });
    const debounce = new RedisDebounceStore({ client, keyPrefix });
    // One unit per 36 s: the state written before the crash outlives any restart.
    const rule = { limit: 100, windowMs: 3_600_000 };
    expect(await dedupe.claim('update:1', { leaseMs: 60_000 })).toBe('claimed');
    expect((await limits.consume([{ key: 'user:1', rule }], 1)).allowed).toBe(true);

    await server.kill();
    await waitFor(() => client.status !== 'ready', 2_000);
    const claim = await failure(dedupe.claim('update:2', { leaseMs: 60_000 }));
    const consume = await failure(limits.consume([{ key: 'user:1', rule }], 1));
    const push = await failure(debounce.push('chat', 'item', { quietMs: 1, maxWaitMs: 1, maxItems: 1 }, 0));
    for (const outcome of [claim, consume, push]) {
      expect(outcome.code).toBe('STORE_UNAVAILABLE');
      expect(outcome.elapsedMs).toBeLessThan(commandTimeoutMs);
    }

    await restart();
    // The claim made before the crash survived (AOF); the scripts did not: EVALSHA (of the script for
    // a lone one-check call) answers NOSCRIPT and the store sends the script once in full, which
    // caches it again.
    expect(await dedupe.claim('update:1', { leaseMs: 60_000 })).toBe('in-progress');
    expect(await client.script('EXISTS', gcraOneScript.sha)).toEqual([0]);
    const decision = await limits.consume([{ key: 'user:1', rule }], 1);
    expect(decision).toMatchObject({ allowed: true, remaining: 98 });
    expect(await client.script('EXISTS', gcraOneScript.sha)).toEqual([1]);
  });

  it('rejects within the command timeout while Redis is stalled (SIGSTOP), and recovers on SIGCONT', async () => {
    const dedupe = new RedisDedupeStore({ client, keyPrefix });
    server.pause();
    try {
      const outcome = await failure(dedupe.claim('stalled', { leaseMs: 60_000 }));
      expect(outcome.code).toBe('STORE_UNAVAILABLE');
      expect(outcome.elapsedMs).toBeGreaterThanOrEqual(commandTimeoutMs - 20);
      expect(outcome.elapsedMs).toBeLessThan(commandTimeoutMs * 4);
    } finally {
      server.resume();
    }
    await waitFor(() => client.status === 'ready', 5_000);
    expect(await dedupe.claim('stalled-after', { leaseMs: 60_000 })).toBe('claimed');
  });

  it("bounds a call by the store's own commandTimeoutMs when the client has none, and honours an abort", async () => {
    const bare = new Redis({
      host: '127.0.0.1',
      port: server.port,
      lazyConnect: true,
      enableOfflineQueue: false,
    });
    bare.on('error', () => undefined);
    await bare.connect();
    const dedupe = new RedisDedupeStore({ client: bare, keyPrefix, commandTimeoutMs: 200 });
    const breaker = new RedisBreakerStateStore({ client: bare, keyPrefix });
    server.pause();
    try {
      const outcome = await failure(dedupe.claim('own-timeout', { leaseMs: 60_000 }));
      expect(outcome.code).toBe('STORE_UNAVAILABLE');
      expect(outcome.elapsedMs).toBeGreaterThanOrEqual(180);
      expect(outcome.elapsedMs).toBeLessThan(1_000);
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 50);
      const aborted = await failure(breaker.read('stalled', { signal: controller.signal }));
      expect(aborted.code).toBe('ABORTED');
      expect(aborted.elapsedMs).toBeLessThan(1_000);
    } finally {
      server.resume();
      bare.disconnect();
    }
  });

  it('lets the rate-limiter chain hand over to memory while Redis is down, and back after', async () => {
    const limiter = createRateLimiter({
      rules: [{ name: 'user', limit: 100, windowMs: 60_000 }],
      chain: [new RedisRateLimitStore({ client, keyPrefix }), new MemoryRateLimitStore()],
      storeTimeoutMs: 200,
      breaker: { halfOpenAfterMs: 100 },
    });
    expect(await limiter.consume({ user: 'chain' })).toMatchObject({ allowed: true, source: 'redis' });
    await server.kill();
    await waitFor(() => client.status !== 'ready', 2_000);
    for (let call = 0; call < 5; call += 1) {
      expect(await limiter.consume({ user: 'chain' })).toMatchObject({ allowed: true, source: 'memory' });
    }
    await restart();
    await waitFor(async () => (await limiter.consume({ user: 'chain' })).source === 'redis', 5_000);
    expect(await limiter.consume({ user: 'chain' })).toMatchObject({ allowed: true, source: 'redis' });
  });

  it('delivers every debounced item accepted before an outage once Redis returns', async () => {
    const flushed = new Map<string, { key: string; items: string[] }>();
    let debouncer: Debouncer<string> | undefined;
    try {
      debouncer = createDebouncer<string>({
        store: new RedisDebounceStore({ client, keyPrefix: `${keyPrefix}:outage` }),
        quietMs: 100,
        maxWaitMs: 300,
        maxItems: 50,
        leaseMs: 600,
        pollMs: 50,
        retryDelayMs: 50,
        onFlush: (key, items, { batchId }) => {
          flushed.set(batchId, { key, items });
        },
      });
      debouncer.start();
      const chats = Array.from({ length: 20 }, (_, index) => `chat-${index}`);
      for (const chat of chats) {
        await debouncer.push(chat, `${chat}/1`);
        await debouncer.push(chat, `${chat}/2`);
      }
      // Every push resolved (durable); Redis dies before any burst is due.
      await server.kill();
      await sleep(400);
      await restart();
      const itemCount = () => [...flushed.values()].reduce((total, batch) => total + batch.items.length, 0);
      await waitFor(() => itemCount() >= chats.length * 2, 10_000);
      await sleep(200);
      expect(itemCount()).toBe(chats.length * 2);
      const byChat = new Map([...flushed.values()].map((batch) => [batch.key, batch.items]));
      for (const chat of chats) expect(byChat.get(chat)).toEqual([`${chat}/1`, `${chat}/2`]);
    } finally {
      await debouncer?.stop();
    }
  });
});
