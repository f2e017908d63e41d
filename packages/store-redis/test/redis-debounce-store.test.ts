import { debounceStoreConformance } from '@botkeel/core/testing';
import { RedisDebounceStore } from '@botkeel/store-redis';
import { type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteKeys, randomPrefix, unreachableClients } from './helpers/redis.js';

const filePrefix = randomPrefix('debounce');
let client: Redis;
const unreachable = unreachableClients();
let storeCount = 0;

beforeAll(async () => {
  client = await connectRedis();
});
afterAll(async () => {
  await deleteKeys(client, filePrefix);
  client.disconnect();
  unreachable.closeAll();
});

// Every conformance test needs an empty store: a fresh prefix under the file's prefix.
debounceStoreConformance(
  () => {
    storeCount += 1;
    return new RedisDebounceStore({ client, keyPrefix: `${filePrefix}:${storeCount}` });
  },
  {
    name: 'RedisDebounceStore',
    makeUnavailableStore: async () =>
      new RedisDebounceStore({ client: await unreachable.make(), keyPrefix: filePrefix }),
  },
);

const window = { quietMs: 1_000, maxWaitMs: 5_000, maxItems: 10 };
const leaseMs = 10_000;

describe('RedisDebounceStore on Redis', () => {
  it('spreads chats over shards and still claims every burst once, in push order', async () => {
    const store = new RedisDebounceStore({ client, keyPrefix: `${filePrefix}:sharded`, shards: 4 });
    const chats = Array.from({ length: 40 }, (_, index) => `chat:${index}`);
    for (const chat of chats) {
      await store.push(chat, `${chat}/1`, window, 0);
      await store.push(chat, `${chat}/2`, window, 10);
    }
    expect(await store.nextDueAt()).toBe(1_010);
    const claimed = [
      ...(await store.claimDue({ nowMs: 2_000, leaseMs, limit: 25 })),
      ...(await store.claimDue({ nowMs: 2_000, leaseMs, limit: 25 })),
    ];
    expect(claimed.map((batch) => batch.key).sort()).toEqual([...chats].sort());
    for (const batch of claimed) expect(batch.items).toEqual([`${batch.key}/1`, `${batch.key}/2`]);
    const inShardZero = new Set(
      await Promise.all(chats.map((chat) => client.exists(`${filePrefix}:sharded:debounce:{0}:c:${chat}`))),
    );
    expect(inShardZero).toEqual(new Set([0, 1]));
  });

  it('lets two stores on one Redis share the bursts: a push on one is claimed by the other', async () => {
    const keyPrefix = `${filePrefix}:shared`;
    const first = new RedisDebounceStore({ client, keyPrefix });
    const second = new RedisDebounceStore({ client, keyPrefix });
    await first.push('chat', 'a', window, 0);
    await second.push('chat', 'b', window, 100);
    const [batch] = await second.claimDue({ nowMs: 1_100, leaseMs, limit: 10 });
    expect(batch?.items).toEqual(['a', 'b']);
    expect(await first.claimDue({ nowMs: 1_100, leaseMs, limit: 10 })).toEqual([]);
    // The claimer "dies": after the lease, the other store gets the same batch again.
    const [again] = await first.claimDue({ nowMs: 1_100 + leaseMs, leaseMs, limit: 10 });
    expect(again).toMatchObject({ batchId: batch?.batchId, items: ['a', 'b'], deliveries: 2 });
  });

  it('leaves no keys behind once every batch is acked', async () => {
    const keyPrefix = `${filePrefix}:clean`;
    const store = new RedisDebounceStore({ client, keyPrefix });
    await store.push('chat', 'a', window, 0);
    const [batch] = await store.claimDue({ nowMs: 1_000, leaseMs, limit: 10 });
    await store.ack('chat', batch!.batchId);
    expect(await client.keys(`${keyPrefix}:*`)).toEqual([]);
  });

  it('applies the acks of one tick in one script call, each on its own (a stale id is ignored)', async () => {
    const keyPrefix = `${filePrefix}:acks`;
    let scriptCalls = 0;
    const counted = new Proxy(client, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          if (property === 'evalsha' || property === 'eval') scriptCalls += 1;
          return method.apply(target, args);
        };
      },
    });
    const store = new RedisDebounceStore({ client: counted, keyPrefix });
    const chats = Array.from({ length: 20 }, (_, index) => `chat:${index}`);
    for (const chat of chats) await store.push(chat, `${chat}/1`, window, 0);
    const batches = await store.claimDue({ nowMs: 1_000, leaseMs, limit: 100 });
    expect(batches).toHaveLength(20);
    // A burst that arrives while chat:0's batch is claimed becomes ready once that batch is acked.
    await store.push('chat:0', 'chat:0/2', window, 1_000);
    scriptCalls = 0;
    await Promise.all([
      ...batches.map((batch) => store.ack(batch.key, batch.batchId)),
      store.ack('chat:1', 'stale-batch-id'),
    ]);
    expect(scriptCalls).toBe(1);
    const [next] = await store.claimDue({ nowMs: 2_000, leaseMs, limit: 100 });
    expect(next).toMatchObject({ key: 'chat:0', items: ['chat:0/2'], deliveries: 1 });
    await store.ack('chat:0', next!.batchId);
    expect(await client.keys(`${keyPrefix}:*`)).toEqual([]);
  });

  it('lets a claimDue carry the acks still waiting for their turn: one script call for both', async () => {
    const keyPrefix = `${filePrefix}:ack-with-claim`;
    let scriptCalls = 0;
    const counted = new Proxy(client, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        const method = value as (...args: unknown[]) => unknown;
        return (...args: unknown[]) => {
          if (property === 'evalsha' || property === 'eval') scriptCalls += 1;
          return method.apply(target, args);
        };
      },
    });
    const store = new RedisDebounceStore({ client: counted, keyPrefix });
    for (const chat of ['a', 'b']) await store.push(chat, `${chat}/1`, window, 0);
    const first = await store.claimDue({ nowMs: 1_000, leaseMs, limit: 10 });
    expect(first).toHaveLength(2);
    // A burst waits behind chat a's claimed batch; the ack in the same call makes it claimable.
    await store.push('a', 'a/2', window, 1_000);
    scriptCalls = 0;
    const acked = Promise.all(first.map((batch) => store.ack(batch.key, batch.batchId)));
    const next = await store.claimDue({ nowMs: 3_000, leaseMs, limit: 10 });
    await acked;
    expect(scriptCalls).toBe(1);
    expect(next.map((batch) => ({ key: batch.key, items: batch.items }))).toEqual([
      { key: 'a', items: ['a/2'] },
    ]);
    await store.ack('a', next[0]!.batchId);
    expect(await client.keys(`${keyPrefix}:*`)).toEqual([]);
  });

  it('keeps a burst that waits behind a claimed batch in `waiting` with its due time, ready at the ack', async () => {
    const keyPrefix = `${filePrefix}:waiting`;
    const base = `${keyPrefix}:debounce:{0}:`;
    const store = new RedisDebounceStore({ client, keyPrefix });
    await store.push('chat', 'a', window, 0);
    const [batch] = await store.claimDue({ nowMs: 1_000, leaseMs, limit: 10 });
    expect(await client.hget(`${base}dues`, 'chat')).toBe('1000');
    // The pending header is written once, at the first push: later pushes only append and move the due time.
    expect(await store.push('chat', 'b', window, 1_200)).toEqual({ count: 1, dueAtMs: 2_200 });
    const header = await client.lindex(`${base}p:chat`, 0);
    expect(header).toMatch(/^\S+ 1200$/);
    expect(await store.push('chat', 'c', window, 1_500)).toEqual({ count: 2, dueAtMs: 2_500 });
    expect(await client.lindex(`${base}p:chat`, 0)).toBe(header);
    expect(await client.zscore(`${base}waiting`, 'chat')).toBe('2500');
    expect(await client.zscore(`${base}ready`, 'chat')).toBeNull();
    await store.ack('chat', batch!.batchId);
    expect(await client.zscore(`${base}waiting`, 'chat')).toBeNull();
    expect(await client.zscore(`${base}ready`, 'chat')).toBe('2500');
    const [next] = await store.claimDue({ nowMs: 2_500, leaseMs, limit: 10 });
    expect(next).toMatchObject({ key: 'chat', items: ['b', 'c'], dueAtMs: 2_500, deliveries: 1 });
    await store.ack('chat', next!.batchId);
    expect(await client.keys(`${keyPrefix}:*`)).toEqual([]);
  });

  it('reads bursts stored before `waiting` existed (due time in a 4-field pending header)', async () => {
    const keyPrefix = `${filePrefix}:legacy`;
    const base = `${keyPrefix}:debounce:{0}:`;
    const store = new RedisDebounceStore({ client, keyPrefix });
    // The former layout: a claimed batch, and a burst waiting behind it whose due time is only in its header.
    await client.rpush(`${base}c:chat`, 'old-batch 0 1000 0', 'a');
    await client.zadd(`${base}leases`, 60_000, 'chat');
    await client.rpush(`${base}p:chat`, 'next-batch 1200 2200 0', 'b');
    await client.rpush(`${base}p:other`, 'other-batch 0 1000 0', 'x');
    await client.zadd(`${base}ready`, 1_000, 'other');
    await store.push('other', 'y', window, 500);
    await store.ack('chat', 'old-batch');
    const batches = await store.claimDue({ nowMs: 2_200, leaseMs, limit: 10 });
    expect(batches.map(({ key, batchId, items, dueAtMs }) => ({ key, batchId, items, dueAtMs }))).toEqual([
      { key: 'other', batchId: 'other-batch', items: ['x', 'y'], dueAtMs: 1_500 },
      { key: 'chat', batchId: 'next-batch', items: ['b'], dueAtMs: 2_200 },
    ]);
  });

  it('makes a waiting burst ready when its claimed batch vanished without an ack', async () => {
    const keyPrefix = `${filePrefix}:vanished`;
    const base = `${keyPrefix}:debounce:{0}:`;
    const store = new RedisDebounceStore({ client, keyPrefix });
    await store.push('chat', 'a', window, 0);
    await store.claimDue({ nowMs: 1_000, leaseMs, limit: 10 });
    await store.push('chat', 'b', window, 1_000);
    await client.del(`${base}c:chat`);
    // The lease runs out: the claim drops the lease of the missing batch and readies the waiting
    // burst, which the same call then claims.
    const batches = await store.claimDue({ nowMs: 1_000 + leaseMs, leaseMs, limit: 10 });
    expect(batches).toMatchObject([{ key: 'chat', items: ['b'], dueAtMs: 2_000, deliveries: 1 }]);
    expect(await client.zscore(`${base}waiting`, 'chat')).toBeNull();
  });
});
