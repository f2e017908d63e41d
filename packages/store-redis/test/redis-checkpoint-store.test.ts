import { checkpointStoreConformance } from '@botkeel/core/testing';
import { RedisCheckpointStore } from '@botkeel/store-redis';
import { type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteKeys, randomPrefix, unreachableClients } from './helpers/redis.js';

const keyPrefix = randomPrefix('checkpoint');
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

checkpointStoreConformance(
  ({ historyLimit }) => new RedisCheckpointStore({ client, keyPrefix, historyLimit }),
  {
    name: 'RedisCheckpointStore',
    makeUnavailableStore: async () =>
      new RedisCheckpointStore({ client: await unreachable.make(), keyPrefix }),
  },
);

describe('RedisCheckpointStore on Redis', () => {
  it('keeps the history list trimmed to the limit in Redis itself', async () => {
    const store = new RedisCheckpointStore({ client, keyPrefix, historyLimit: 2 });
    for (let version = 0; version < 5; version += 1) {
      await store.save(
        'trimmed',
        { step: version },
        { expectedVersion: version, machineVersion: 1, nowMs: version },
      );
    }
    expect(await client.llen(`${keyPrefix}:checkpoint:{trimmed}:history`)).toBe(2);
    expect(await client.get(`${keyPrefix}:checkpoint:{trimmed}:version`)).toBe('5');
  });

  it('forgets an idle thread after idleTtlMs', async () => {
    const store = new RedisCheckpointStore({ client, keyPrefix, idleTtlMs: 60_000 });
    await store.save('idle', { step: 1 }, { expectedVersion: 0, machineVersion: 1, nowMs: 0 });
    const ttl = await client.pttl(`${keyPrefix}:checkpoint:{idle}:history`);
    expect(ttl).toBeGreaterThan(50_000);
    expect(await client.pttl(`${keyPrefix}:checkpoint:{idle}:version`)).toBeGreaterThan(50_000);
  });
});
