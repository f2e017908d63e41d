import { MemoryFloodControl, createManualClock } from '@botkeel/core';
import { floodControlConformance } from '@botkeel/core/testing';
import { RedisFloodControl } from '@botkeel/store-redis';
import { type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteKeys, randomPrefix, unreachableClients } from './helpers/redis.js';

const keyPrefix = randomPrefix('flood');
const namespaces = new Set<string>([keyPrefix]);
let client: Redis;
const unreachable = unreachableClients();

beforeAll(async () => {
  client = await connectRedis();
});
afterAll(async () => {
  for (const namespace of namespaces) await deleteKeys(client, namespace);
  client.disconnect();
  unreachable.closeAll();
});

floodControlConformance(({ clock, limits, namespace }) => {
  namespaces.add(namespace);
  return new RedisFloodControl({ client, keyPrefix: namespace, clock, limits });
});

describe('RedisFloodControl on Redis', () => {
  it('decides exactly like MemoryFloodControl with fractional intervals (30 sends per second)', async () => {
    const clock = createManualClock(1_700_000_000_000);
    const limits = {
      global: { limit: 30, windowMs: 1_000, burst: 2 },
      privateChat: { limit: 1_000, windowMs: 1_000, burst: 1_000 },
    };
    const flood = new RedisFloodControl({ client, keyPrefix, clock, limits });
    const memory = new MemoryFloodControl({ clock, limits });
    const redisDecisions: unknown[] = [];
    const memoryDecisions: unknown[] = [];
    for (let tick = 0; tick < 1_000; tick += 1) {
      const request = { chatId: `chat-${tick % 7}`, chatKind: 'private' as const };
      redisDecisions.push(await flood.acquire(request));
      memoryDecisions.push(await memory.acquire(request));
      await clock.advanceAsync(3);
    }
    expect(redisDecisions).toEqual(memoryDecisions);
    expect(
      redisDecisions.filter((decision) => (decision as { allowed: boolean }).allowed).length,
    ).toBeGreaterThan(50);
  });

  it('rejects with STORE_UNAVAILABLE when Redis cannot be reached', async () => {
    const flood = new RedisFloodControl({ client: await unreachable.make(), keyPrefix });
    await expect(flood.acquire({ chatId: '1', chatKind: 'private' })).rejects.toMatchObject({
      code: 'STORE_UNAVAILABLE',
    });
    await expect(flood.pause('global', 1_000)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
  });
});
