import { MemoryHandoffStateStore, type HandoffStateStore } from '@botkeel/core';
import { RedisHandoffStateStore } from '@botkeel/store-redis';
import { type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteKeys, randomPrefix, unreachableClients } from './helpers/redis.js';

const keyPrefix = randomPrefix('handoff');
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

describe.each([
  ['MemoryHandoffStateStore', () => new MemoryHandoffStateStore()],
  ['RedisHandoffStateStore', () => new RedisHandoffStateStore({ client, keyPrefix })],
] as const)('%s', (_name, make: () => HandoffStateStore) => {
  it('remembers a held chat until it is released', async () => {
    const store = make();
    expect(await store.get('42')).toBeUndefined();
    await store.set('42', { since: 1_000, reason: 'customer-asked', threadId: 7 });
    expect(await store.get('42')).toEqual({ since: 1_000, reason: 'customer-asked', threadId: 7 });
    expect(await store.get('43')).toBeUndefined();
    await store.delete('42');
    expect(await store.get('42')).toBeUndefined();
  });
});

describe('RedisHandoffStateStore on Redis', () => {
  it('is shared by every instance on the same Redis', async () => {
    const one = new RedisHandoffStateStore({ client, keyPrefix });
    const two = new RedisHandoffStateStore({ client, keyPrefix });
    await one.set('shared', { since: 5, reason: 'llm-exhausted' });
    expect(await two.get('shared')).toEqual({ since: 5, reason: 'llm-exhausted' });
    await two.delete('shared');
    expect(await one.get('shared')).toBeUndefined();
  });

  it('expires a forgotten handoff after ttlMs and treats a corrupt value as none', async () => {
    const store = new RedisHandoffStateStore({ client, keyPrefix, ttlMs: 60_000 });
    await store.set('ttl', { since: 1, reason: 'x' });
    const ttl = await client.pttl(`${keyPrefix}:handoff:{ttl}`);
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await client.set(`${keyPrefix}:handoff:{corrupt}`, '{not json');
    expect(await store.get('corrupt')).toBeUndefined();
  });

  it('rejects with STORE_UNAVAILABLE when Redis cannot be reached', async () => {
    const store = new RedisHandoffStateStore({ client: await unreachable.make(), keyPrefix });
    await expect(store.get('down')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
