import { lockStoreConformance } from '@botkeel/core/testing';
import { RedisLock } from '@botkeel/store-redis';
import { type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteKeys, randomPrefix, unreachableClients } from './helpers/redis.js';

const keyPrefix = randomPrefix('lock');
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

lockStoreConformance(() => new RedisLock({ client, keyPrefix }), {
  name: 'RedisLock',
  time: 'real',
  makeUnavailableStore: async () => new RedisLock({ client: await unreachable.make(), keyPrefix }),
});

describe('RedisLock on Redis', () => {
  it('keeps fencing tokens increasing after the fencing key was lost', async () => {
    const locks = new RedisLock({ client, keyPrefix });
    const first = await locks.acquire('fence', { leaseMs: 60_000 });
    expect(first).toBeDefined();
    expect(await locks.release(first!)).toBe(true);
    await client.del(`${keyPrefix}:lock:{fence}:fence`);
    const second = await locks.acquire('fence', { leaseMs: 60_000 });
    expect(second!.fencingToken).toBeGreaterThan(first!.fencingToken);
    expect(Number.isSafeInteger(second!.fencingToken)).toBe(true);
  });

  it('reports expiresAtMs by the Redis clock, lease milliseconds ahead of it', async () => {
    const locks = new RedisLock({ client, keyPrefix });
    const [seconds, micros] = await client.time();
    const redisNowMs = Number(seconds) * 1_000 + Math.floor(Number(micros) / 1_000);
    const lease = await locks.acquire('expiry', { leaseMs: 30_000 });
    expect(lease!.expiresAtMs - redisNowMs).toBeGreaterThanOrEqual(30_000);
    expect(lease!.expiresAtMs - redisNowMs).toBeLessThan(31_000);
    expect(await client.pttl(`${keyPrefix}:lock:{expiry}`)).toBeGreaterThan(29_000);
  });

  it('refuses a lease that is not a positive integer', async () => {
    const locks = new RedisLock({ client, keyPrefix });
    await expect(locks.acquire('bad', { leaseMs: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });
});
