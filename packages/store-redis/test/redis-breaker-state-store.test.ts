import { MemoryBreakerStateStore, createCircuitBreaker } from '@botkeel/core';
import { breakerStateStoreConformance } from '@botkeel/core/testing';
import { RedisBreakerStateStore } from '@botkeel/store-redis';
import { type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteKeys, randomPrefix, unreachableClients } from './helpers/redis.js';

const keyPrefix = randomPrefix('breaker');
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

breakerStateStoreConformance(() => new RedisBreakerStateStore({ client, keyPrefix }));

describe('RedisBreakerStateStore on Redis', () => {
  it('orders writer ids byte-wise, whatever the server locale', async () => {
    const store = new RedisBreakerStateStore({ client, keyPrefix });
    const memory = new MemoryBreakerStateStore();
    const writers = ['B', 'a', 'Z', 'b-10', 'b-9', '~', '0'];
    for (const writerId of writers) {
      const record = { state: 'open' as const, changedAtMs: 1_000, writerId };
      await store.write('locale', record, { ttlMs: 60_000 });
      await memory.write('locale', record, { ttlMs: 60_000 });
    }
    expect((await store.read('locale'))?.writerId).toBe((await memory.read('locale'))?.writerId);
    expect((await store.read('locale'))?.writerId).toBe('~');
  });

  it('rejects with STORE_UNAVAILABLE when Redis cannot be reached', async () => {
    const store = new RedisBreakerStateStore({ client: await unreachable.make(), keyPrefix });
    await expect(store.read('down')).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    await expect(store.extendCooldown('down', 1, { ttlMs: 1_000 })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
  });

  it('shares an open circuit between two breakers on two connections', async () => {
    const other = await connectRedis();
    try {
      const name = 'shared';
      const store = new RedisBreakerStateStore({ client, keyPrefix });
      const options = { name, consecutiveFailures: 2, halfOpenAfterMs: 60_000, syncIntervalMs: 60_000 };
      const first = createCircuitBreaker({ ...options, store });
      const second = createCircuitBreaker({
        ...options,
        store: new RedisBreakerStateStore({ client: other, keyPrefix }),
      });
      const failing = () => Promise.reject(new Error('provider down'));
      for (let attempt = 0; attempt < 2; attempt += 1) await first.execute(failing).catch(() => undefined);
      expect(first.state).toBe('open');
      // The transition is published in the background; wait until Redis has it.
      for (let poll = 0; poll < 100 && (await store.read(name))?.state !== 'open'; poll += 1) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(second.state).toBe('closed');
      await second.sync();
      expect(second.state).toBe('open');
      await expect(second.execute(() => Promise.resolve('called'))).rejects.toMatchObject({
        code: 'CIRCUIT_OPEN',
      });
    } finally {
      other.disconnect();
    }
  });
});
