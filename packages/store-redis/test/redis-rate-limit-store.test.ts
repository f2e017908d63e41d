import { rateLimitStoreConformance } from '@botkeel/core/testing';
import { RedisRateLimitStore } from '@botkeel/store-redis';
import { type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteKeys, randomPrefix, unreachableClients } from './helpers/redis.js';

const keyPrefix = randomPrefix('ratelimit');
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

rateLimitStoreConformance(() => new RedisRateLimitStore({ client, keyPrefix }), {
  name: 'RedisRateLimitStore',
  time: 'real',
  // Refill checks run on Redis' clock; 500 ms windows keep them exact on a busy machine.
  realDurationMs: 500,
  makeUnavailableStore: async () => new RedisRateLimitStore({ client: await unreachable.make(), keyPrefix }),
});

rateLimitStoreConformance(() => new RedisRateLimitStore({ client, keyPrefix, maxBatchSize: 1 }), {
  name: 'RedisRateLimitStore without coalescing',
  time: 'real',
  realDurationMs: 500,
});

const hourMs = 3_600_000;

describe('RedisRateLimitStore on Redis', () => {
  it('coalesces the decisions of one tick into one script call, each decided on its own', async () => {
    const counted = countScriptCalls(client);
    const store = new RedisRateLimitStore({ client: counted.client, keyPrefix });
    const rule = { limit: 3, windowMs: hourMs };
    const decisions = await Promise.all(
      Array.from({ length: 10 }, (_, index) => store.consume([{ key: `coalesce:${index % 2}`, rule }], 1)),
    );
    expect(counted.calls()).toBe(1);
    expect(decisions.map((decision) => decision.allowed)).toEqual([
      true,
      true,
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
    expect(decisions.map((decision) => decision.remaining).slice(0, 6)).toEqual([2, 2, 1, 1, 0, 0]);
  });

  it('splits a tick larger than maxBatchSize into several calls', async () => {
    const counted = countScriptCalls(client);
    const store = new RedisRateLimitStore({ client: counted.client, keyPrefix, maxBatchSize: 4 });
    const rule = { limit: 100, windowMs: hourMs };
    const decisions = await Promise.all(
      Array.from({ length: 10 }, () => store.consume([{ key: 'split', rule }], 1)),
    );
    expect(counted.calls()).toBe(3);
    expect(decisions.filter((decision) => decision.allowed)).toHaveLength(10);
  });

  it('answers retryAfterMs Infinity for a cost that can never fit', async () => {
    const store = new RedisRateLimitStore({ client, keyPrefix });
    const decision = await store.consume([{ key: 'huge', rule: { limit: 2, windowMs: hourMs } }], 3);
    expect(decision).toEqual({ allowed: false, remaining: 2, retryAfterMs: Number.POSITIVE_INFINITY });
  });

  it('stores the arrival time under the prefix and lets an idle key expire', async () => {
    const store = new RedisRateLimitStore({ client, keyPrefix });
    await store.consume(
      [
        { key: 'user:1', rule: { limit: 10, windowMs: 1_000 } },
        { key: 'global', rule: { limit: 100, windowMs: 1_000 } },
      ],
      1,
    );
    const keys = [
      `${keyPrefix}:ratelimit:{${keyPrefix}}:user:1`,
      `${keyPrefix}:ratelimit:{${keyPrefix}}:global`,
    ];
    const ttl = await client.pttl(keys[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(100);
  });

  it('rejects a pre-aborted signal without calling Redis', async () => {
    const store = new RedisRateLimitStore({ client, keyPrefix });
    const controller = new AbortController();
    controller.abort();
    await expect(
      store.consume([{ key: 'aborted', rule: { limit: 1, windowMs: 1_000 } }], 1, {
        signal: controller.signal,
      }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

/** The same connection, with script calls (EVALSHA and EVAL) counted on their way to Redis. */
function countScriptCalls(redis: Redis): { client: Redis; calls: () => number } {
  let calls = 0;
  const client = new Proxy(redis, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if ((property === 'evalsha' || property === 'eval') && typeof value === 'function') {
        return (...args: unknown[]) => {
          calls += 1;
          return (value as (...callArgs: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function'
        ? (value as (...callArgs: unknown[]) => unknown).bind(target)
        : value;
    },
  });
  return { client, calls: () => calls };
}
