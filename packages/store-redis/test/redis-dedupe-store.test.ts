import { dedupeStoreConformance } from '@botkeel/core/testing';
import { RedisDedupeStore } from '@botkeel/store-redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteKeys, randomPrefix, unreachableClients } from './helpers/redis.js';
import { type Redis } from 'ioredis';

const keyPrefix = randomPrefix('dedupe');
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

dedupeStoreConformance(() => new RedisDedupeStore({ client, keyPrefix }), {
  name: 'RedisDedupeStore',
  time: 'real',
  makeUnavailableStore: async () => new RedisDedupeStore({ client: await unreachable.make(), keyPrefix }),
});

describe('RedisDedupeStore on Redis', () => {
  it('writes one key per claim under the prefix, with the lease as its TTL', async () => {
    const store = new RedisDedupeStore({ client, keyPrefix });
    expect(await store.claim('update:1', { leaseMs: 60_000 })).toBe('claimed');
    const key = `${keyPrefix}:dedupe:{update:1}`;
    expect(await client.get(key)).toBe('p');
    const ttl = await client.pttl(key);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await store.complete('update:1', { ttlMs: 120_000 });
    expect(await client.get(key)).toBe('d');
    expect(await client.pttl(key)).toBeGreaterThan(60_000);
  });

  it('does not let release erase a completed key', async () => {
    const store = new RedisDedupeStore({ client, keyPrefix });
    expect(await store.claim('update:2', { leaseMs: 60_000 })).toBe('claimed');
    await store.complete('update:2', { ttlMs: 60_000 });
    await store.release('update:2');
    expect(await store.claim('update:2', { leaseMs: 60_000 })).toBe('duplicate');
  });

  it('rejects a prefix with a brace, naming the field', () => {
    expect(() => new RedisDedupeStore({ client, keyPrefix: 'a{b}' })).toThrow(/keyPrefix/);
  });
});
