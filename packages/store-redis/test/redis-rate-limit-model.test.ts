import { MemoryRateLimitStore, createManualClock, type RateCheck, type RateRule } from '@botkeel/core';
import { RedisRateLimitStore } from '@botkeel/store-redis';
import fc from 'fast-check';
import { type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectRedis, deleteKeys, randomPrefix } from './helpers/redis.js';

// Model-based: groups of consume calls, each group fired in one tick (so the Redis store coalesces
// it into one script call), must be decided exactly like the same calls made one after another on a
// MemoryRateLimitStore with a frozen clock. Rules refill at most one unit per 3.6 s, so the real
// milliseconds a run takes cannot change a decision; only retryAfterMs may shrink by those.
const filePrefix = randomPrefix('ratelimit-model');
let client: Redis;
let runs = 0;

beforeAll(async () => {
  client = await connectRedis();
});
afterAll(async () => {
  await deleteKeys(client, filePrefix);
  client.disconnect();
});

const rules: readonly RateRule[] = [
  { limit: 3, windowMs: 3_600_000 },
  { limit: 10, windowMs: 3_600_000, burst: 4 },
  { limit: 1_000, windowMs: 3_600_000, burst: 2 },
];

interface Call {
  readonly checks: readonly number[];
  readonly cost: number;
}

const call: fc.Arbitrary<Call> = fc.record({
  checks: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 }),
  cost: fc.integer({ min: 0, max: 5 }),
});

/** Runs `groups` (each fired in one tick) on a fresh Redis store and on the model; same decisions. */
async function matchesModel(groups: readonly (readonly Call[])[]): Promise<void> {
  runs += 1;
  const redis = new RedisRateLimitStore({ client, keyPrefix: `${filePrefix}:${runs}` });
  const memory = new MemoryRateLimitStore({ clock: createManualClock(1_700_000_000_000) });
  // A key keeps one rule (the port's contract): the rule is chosen by the key.
  const toChecks = (keys: readonly number[]): RateCheck[] =>
    keys.map((key) => ({ key: `key:{${key}}`, rule: rules[key % rules.length]! }));
  for (const group of groups) {
    const fromRedis = await Promise.all(
      group.map((entry) => redis.consume(toChecks(entry.checks), entry.cost)),
    );
    for (const [index, entry] of group.entries()) {
      const expected = await memory.consume(toChecks(entry.checks), entry.cost);
      const actual = fromRedis[index]!;
      expect({ allowed: actual.allowed, remaining: actual.remaining }).toEqual({
        allowed: expected.allowed,
        remaining: expected.remaining,
      });
      if (expected.retryAfterMs === Number.POSITIVE_INFINITY || expected.retryAfterMs === 0) {
        expect(actual.retryAfterMs).toBe(expected.retryAfterMs);
      } else {
        expect(actual.retryAfterMs).toBeLessThanOrEqual(expected.retryAfterMs);
        expect(actual.retryAfterMs).toBeGreaterThan(expected.retryAfterMs - 2_000);
      }
    }
  }
}

describe('RedisRateLimitStore against the MemoryRateLimitStore model', () => {
  it('decides coalesced groups of calls exactly like the same calls one by one in memory', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(call, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 8 }),
        matchesModel,
      ),
      { numRuns: 60 },
    );
  });

  it('decides lone one-check calls (the lighter script) like the model, mixed with coalesced ones', async () => {
    const lone = fc.record({
      checks: fc.integer({ min: 0, max: 3 }).map((key) => [key]),
      cost: fc.integer({ min: 0, max: 5 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            lone.map((entry) => [entry]),
            fc.array(call, { minLength: 2, maxLength: 4 }),
          ),
          {
            minLength: 1,
            maxLength: 16,
          },
        ),
        matchesModel,
      ),
      { numRuns: 60 },
    );
  });
});
