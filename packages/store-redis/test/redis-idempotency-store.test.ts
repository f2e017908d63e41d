import { idempotencyStoreConformance } from '@botkeel/core/testing';
import { RedisIdempotencyStore } from '@botkeel/store-redis';
import { idempotent } from '@botkeel/core';
import { type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteKeys, randomPrefix, unreachableClients } from './helpers/redis.js';

const keyPrefix = randomPrefix('idempotency');
let client: Redis;
const unreachable = unreachableClients();

beforeAll(async () => {
  client = await connectRedis();
});
afterAll(async () => {
  await deleteKeys(client, keyPrefix);
  client.disconnect();
  unreachable.closeAll();
});

idempotencyStoreConformance(() => new RedisIdempotencyStore({ client, keyPrefix }), {
  name: 'RedisIdempotencyStore',
  time: 'real',
  makeUnavailableStore: async () =>
    new RedisIdempotencyStore({ client: await unreachable.make(), keyPrefix }),
});

describe('RedisIdempotencyStore on Redis', () => {
  it('keeps results with any characters, including the state markers', async () => {
    const store = new RedisIdempotencyStore({ client, keyPrefix });
    const result = 'p:d:{"text":"привет"}\n';
    const begun = await store.begin('odd-result', { leaseMs: 60_000 });
    if (begun.status !== 'started') throw new Error('expected started');
    await store.complete('odd-result', begun.token, result, { ttlMs: 60_000 });
    expect(await store.begin('odd-result', { leaseMs: 60_000 })).toEqual({ status: 'completed', result });
  });

  it('extends a lease with PEXPIRE on the one key, by Redis clock', async () => {
    const store = new RedisIdempotencyStore({ client, keyPrefix });
    const begun = await store.begin('extend:pttl', { leaseMs: 1_000 });
    if (begun.status !== 'started') throw new Error('expected started');
    expect(await store.extend('extend:pttl', begun.token, { leaseMs: 600_000 })).toBe(true);
    const pttl = await client.pttl(`${keyPrefix}:idempotency:{extend:pttl}`);
    expect(pttl).toBeGreaterThan(590_000);
    expect(pttl).toBeLessThanOrEqual(600_000);
  });

  it('runs a function once through idempotent() across two stores on one Redis', async () => {
    const first = new RedisIdempotencyStore({ client, keyPrefix });
    const second = new RedisIdempotencyStore({ client, keyPrefix });
    let runs = 0;
    const work = () => {
      runs += 1;
      return Promise.resolve({ sent: true });
    };
    const options = { ttlMs: 60_000, leaseMs: 10_000 };
    expect(await idempotent(first, 'send:1', work, options)).toEqual({ sent: true });
    expect(await idempotent(second, 'send:1', work, options)).toEqual({ sent: true });
    expect(runs).toBe(1);
  });
});
