import { performance } from 'node:perf_hooks';
import { type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteKeys, randomPrefix } from './helpers/redis.js';
import { forkWorkers, type WorkerHandle } from './helpers/workers.js';

// Three bot instances in three processes (child_process.fork) sharing the real Redis on 6379.
const keyPrefix = randomPrefix('multi');
let client: Redis;
let workers: WorkerHandle[] = [];

beforeAll(async () => {
  client = await connectRedis();
});
afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.kill()));
  await deleteKeys(client, keyPrefix);
  client.disconnect();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('three processes on one Redis', () => {
  it('gives exactly one claimed among 1,000 concurrent claims of one key from 3 processes', async () => {
    workers = await forkWorkers(3);
    const replies = workers.map((worker) => worker.next('claimed'));
    for (const [index, worker] of workers.entries()) {
      worker.send({ type: 'claims', keyPrefix, key: 'update:1', count: index === 0 ? 334 : 333 });
    }
    const totals: Record<string, number> = {};
    for (const reply of await Promise.all(replies)) {
      for (const [result, count] of Object.entries(reply.counts))
        totals[result] = (totals[result] ?? 0) + count;
    }
    expect(totals).toEqual({ claimed: 1, 'in-progress': 999 });
  }, 60_000);

  it('keeps a group budget across 3 processes over a simulated minute; a 429 seen by one pauses all', async () => {
    const floodPrefix = `${keyPrefix}:flood`;
    const startMs = 1_700_000_000_000;
    const stepMs = 300;
    const allowedAt: number[] = [];
    for (let step = 0; step < 60_000 / stepMs; step += 1) {
      const nowMs = startMs + step * stepMs;
      const replies = workers.map((worker) => worker.next('flood'));
      for (const worker of workers)
        worker.send({ type: 'flood', keyPrefix: floodPrefix, chatId: '-100', nowMs, attempts: 1 });
      for (const reply of await Promise.all(replies))
        for (let send = 0; send < reply.allowed; send += 1) allowedAt.push(nowMs);
    }
    // 20 per minute, burst 1: one send every 3 s, whichever process asks.
    expect(allowedAt).toHaveLength(20);
    expect(new Set(allowedAt.map((atMs) => atMs % 3_000))).toEqual(new Set([startMs % 3_000]));

    // One instance gets a 429 with retry_after 30 s and pauses the chat: all three are held back.
    const pausedAtMs = startMs + 60_000;
    const pausing = workers[1]!.next('flood');
    workers[1]!.send({
      type: 'flood',
      keyPrefix: floodPrefix,
      chatId: '-100',
      nowMs: pausedAtMs,
      attempts: 0,
      pauseMs: 30_000,
    });
    await pausing;
    const replies = workers.map((worker) => worker.next('flood'));
    for (const worker of workers) {
      worker.send({
        type: 'flood',
        keyPrefix: floodPrefix,
        chatId: '-100',
        nowMs: pausedAtMs + 10_000,
        attempts: 1,
      });
    }
    for (const reply of await Promise.all(replies))
      expect(reply).toEqual({ type: 'flood', allowed: 0, reasons: ['cooldown'] });
  });

  it('flushes 10,000 chats × 3-message bursts exactly once each, in order, also when a worker is SIGKILLed', async () => {
    const chatCount = 10_000;
    const leaseMs = 1_500;
    const debouncePrefix = `${keyPrefix}:debounce`;
    const batches = new Map<string, { key: string; items: string[] }>();
    let deliveries = 0;
    let redelivered = 0;
    for (const worker of workers) {
      worker.onReply((reply) => {
        if (reply.type !== 'flushed') return;
        for (const batch of reply.batches) {
          deliveries += 1;
          if (batch.deliveries > 1) redelivered += 1;
          batches.set(batch.batchId, { key: batch.key, items: batch.items });
        }
      });
      worker.send({ type: 'debounce', keyPrefix: debouncePrefix, flushDelayMs: 20, leaseMs });
    }
    await Promise.all(workers.map((worker) => worker.next('ready')));

    // Round r pushes message r of every chat, chat c's message through worker (c + r) % 3; a round
    // starts when the previous one is durable, so each chat's items have a known push order.
    const chats = Array.from({ length: chatCount }, (_, index) => `chat-${index}`);
    const startedAt = performance.now();
    for (let round = 1; round <= 3; round += 1) {
      const done = workers.map((worker) => worker.next('pushed'));
      workers.forEach((worker, workerIndex) => {
        const share = chats.filter((_, chatIndex) => (chatIndex + round) % 3 === workerIndex);
        worker.send({ type: 'push', round, chats: share });
      });
      await Promise.all(done);
    }
    const pushSeconds = (performance.now() - startedAt) / 1_000;

    // SIGKILL one instance while it is flushing (each flush takes 20 ms, 32 at a time per instance,
    // so flushing lasts longer than pushing): whatever it claimed comes back after the lease.
    const flushedBeforeKill = batches.size;
    const victim = workers[0]!;
    await victim.kill();
    const killedAt = performance.now();
    const survivors = workers.slice(1);
    while (batches.size < chatCount && performance.now() - killedAt < 45_000) await sleep(20);
    const recoverySeconds = (performance.now() - killedAt) / 1_000;
    await Promise.all(survivors.map((worker) => (worker.send({ type: 'stop' }), worker.next('stopped'))));

    const byChat = new Map<string, string[][]>();
    for (const batch of batches.values())
      byChat.set(batch.key, [...(byChat.get(batch.key) ?? []), batch.items]);
    const wrong = chats.filter((chat) => {
      const flushes = byChat.get(chat);
      return flushes?.length !== 1 || flushes[0]!.join(',') !== `${chat}/1,${chat}/2,${chat}/3`;
    });
    console.log(
      `multi-process debounce: ${chatCount} chats, ${batches.size} distinct batches, ${deliveries} deliveries ` +
        `(${redelivered} delivered again after the SIGKILL at ${flushedBeforeKill} flushed), pushes took ${pushSeconds.toFixed(1)} s, ` +
        `recovery ${recoverySeconds.toFixed(1)} s, wrong chats: ${wrong.length}`,
    );
    expect(wrong).toEqual([]);
    expect(flushedBeforeKill).toBeLessThan(chatCount);
    expect(redelivered).toBeGreaterThan(0);
    expect(batches.size).toBe(chatCount);
    expect(recoverySeconds * 1_000).toBeLessThan(2 * leaseMs + 10_000);
    expect(await client.keys(`${debouncePrefix}:*`)).toEqual([]);
  }, 90_000);
});
