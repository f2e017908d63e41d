import { MemoryDebounceStore, type DebounceBatch, type DebounceStore } from '@botkeel/core';
import { RedisDebounceStore } from '@botkeel/store-redis';
import fc from 'fast-check';
import { type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteKeys, randomPrefix } from './helpers/redis.js';

// Model-based: random sequences of push / claimDue / ack / extendLease / nextDueAt / time steps run
// against RedisDebounceStore and MemoryDebounceStore side by side must give the same answers (batch
// ids are random in both, so they are compared through a one-to-one mapping).
const filePrefix = randomPrefix('debounce-model');
let client: Redis;
let runs = 0;

beforeAll(async () => {
  client = await connectRedis();
});
afterAll(async () => {
  await deleteKeys(client, filePrefix);
  client.disconnect();
});

type Command =
  | { kind: 'push'; key: number; quietMs: number; maxWaitMs: number; maxItems: number }
  | { kind: 'claim'; dueEarly: boolean }
  | { kind: 'ack'; key: number; stale: boolean }
  | { kind: 'extend'; key: number; leaseMs: number }
  | { kind: 'next' }
  | { kind: 'advance'; ms: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({
    kind: fc.constant('push' as const),
    key: fc.integer({ min: 0, max: 2 }),
    quietMs: fc.integer({ min: 1, max: 2_000 }),
    maxWaitMs: fc.integer({ min: 1, max: 5_000 }),
    maxItems: fc.integer({ min: 1, max: 4 }),
  }),
  fc.record({ kind: fc.constant('claim' as const), dueEarly: fc.boolean() }),
  fc.record({ kind: fc.constant('ack' as const), key: fc.integer({ min: 0, max: 2 }), stale: fc.boolean() }),
  fc.record({
    kind: fc.constant('extend' as const),
    key: fc.integer({ min: 0, max: 2 }),
    leaseMs: fc.integer({ min: 1, max: 8_000 }),
  }),
  fc.constant({ kind: 'next' as const }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 4_000 }) }),
);

const leaseMs = 3_000;

describe('RedisDebounceStore against the MemoryDebounceStore model', () => {
  it('answers every random command sequence exactly like the memory store', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 10, maxLength: 60, size: 'max' }), async (commands) => {
        runs += 1;
        const redis: DebounceStore = new RedisDebounceStore({ client, keyPrefix: `${filePrefix}:${runs}` });
        const memory: DebounceStore = new MemoryDebounceStore();
        const toMemoryId = new Map<string, string>();
        const claimedByKey = new Map<string, { redisId: string; memoryId: string }>();
        let nowMs = 1_767_225_600_000;
        let item = 0;
        const sameBatches = (fromRedis: DebounceBatch[], fromMemory: DebounceBatch[]) => {
          const sort = (batches: DebounceBatch[]) => [...batches].sort((a, b) => a.key.localeCompare(b.key));
          const left = sort(fromRedis);
          const right = sort(fromMemory);
          expect(left.map((batch) => batch.key)).toEqual(right.map((batch) => batch.key));
          left.forEach((batch, index) => {
            const twin = right[index]!;
            expect({ items: batch.items, dueAtMs: batch.dueAtMs, deliveries: batch.deliveries }).toEqual({
              items: twin.items,
              dueAtMs: twin.dueAtMs,
              deliveries: twin.deliveries,
            });
            const known = toMemoryId.get(batch.batchId);
            if (known === undefined) {
              expect([...toMemoryId.values()]).not.toContain(twin.batchId);
              toMemoryId.set(batch.batchId, twin.batchId);
            } else {
              expect(known).toBe(twin.batchId);
            }
            claimedByKey.set(batch.key, { redisId: batch.batchId, memoryId: twin.batchId });
          });
        };
        for (const step of commands) {
          switch (step.kind) {
            case 'push': {
              const window = { quietMs: step.quietMs, maxWaitMs: step.maxWaitMs, maxItems: step.maxItems };
              const key = `chat:{${step.key}}`;
              item += 1;
              expect(await redis.push(key, `item-${item}`, window, nowMs)).toEqual(
                await memory.push(key, `item-${item}`, window, nowMs),
              );
              break;
            }
            case 'claim': {
              const options = step.dueEarly
                ? { nowMs, leaseMs, limit: 100, dueBeforeMs: Number.MAX_SAFE_INTEGER }
                : { nowMs, leaseMs, limit: 100 };
              sameBatches(await redis.claimDue(options), await memory.claimDue(options));
              break;
            }
            case 'ack': {
              const key = `chat:{${step.key}}`;
              const claimed = claimedByKey.get(key);
              if (claimed === undefined || step.stale) {
                await redis.ack(key, 'stale-id');
                await memory.ack(key, 'stale-id');
              } else {
                await redis.ack(key, claimed.redisId);
                await memory.ack(key, claimed.memoryId);
              }
              break;
            }
            case 'extend': {
              const key = `chat:{${step.key}}`;
              const claimed = claimedByKey.get(key);
              const [redisId, memoryId] =
                claimed === undefined ? ['none', 'none'] : [claimed.redisId, claimed.memoryId];
              expect(await redis.extendLease(key, redisId, step.leaseMs, nowMs)).toBe(
                await memory.extendLease(key, memoryId, step.leaseMs, nowMs),
              );
              break;
            }
            case 'next':
              expect(await redis.nextDueAt()).toBe(await memory.nextDueAt());
              break;
            case 'advance':
              nowMs += step.ms;
              break;
          }
        }
        expect(await redis.nextDueAt()).toBe(await memory.nextDueAt());
      }),
      { numRuns: 80 },
    );
  });
});
