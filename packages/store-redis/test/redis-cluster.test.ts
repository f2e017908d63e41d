import {
  breakerStateStoreConformance,
  checkpointStoreConformance,
  debounceStoreConformance,
  dedupeStoreConformance,
  floodControlConformance,
  idempotencyStoreConformance,
  lockStoreConformance,
  rateLimitStoreConformance,
} from '@botkeel/core/testing';
import {
  RedisBreakerStateStore,
  RedisCheckpointStore,
  RedisDebounceStore,
  RedisDedupeStore,
  RedisFloodControl,
  RedisIdempotencyStore,
  RedisLock,
  RedisRateLimitStore,
} from '@botkeel/store-redis';
import { type Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOwnRedisCluster, type OwnRedisCluster } from './helpers/redis-cluster.js';

// Every conformance suite once more, against a real 3-master Redis Cluster started on loopback
// ports for this file: each script must keep its keys in one slot, or the cluster answers CROSSSLOT.
let cluster: OwnRedisCluster;
let client: Cluster;
const keyPrefix = 'cluster';
let debounceStores = 0;

beforeAll(async () => {
  cluster = await startOwnRedisCluster();
  client = await cluster.connect();
});
afterAll(async () => {
  client.disconnect();
  await cluster.stop();
});

dedupeStoreConformance(() => new RedisDedupeStore({ client, keyPrefix }), {
  name: 'RedisDedupeStore on Cluster',
  time: 'real',
});
rateLimitStoreConformance(() => new RedisRateLimitStore({ client, keyPrefix }), {
  name: 'RedisRateLimitStore on Cluster',
  time: 'real',
  realDurationMs: 500,
});
lockStoreConformance(() => new RedisLock({ client, keyPrefix }), {
  name: 'RedisLock on Cluster',
  time: 'real',
});
idempotencyStoreConformance(() => new RedisIdempotencyStore({ client, keyPrefix }), {
  name: 'RedisIdempotencyStore on Cluster',
  time: 'real',
});
checkpointStoreConformance(
  ({ historyLimit }) => new RedisCheckpointStore({ client, keyPrefix, historyLimit }),
  {
    name: 'RedisCheckpointStore on Cluster',
  },
);
debounceStoreConformance(
  () => {
    debounceStores += 1;
    return new RedisDebounceStore({ client, keyPrefix: `${keyPrefix}-${debounceStores}` });
  },
  { name: 'RedisDebounceStore on Cluster' },
);
breakerStateStoreConformance(() => new RedisBreakerStateStore({ client, keyPrefix }));
floodControlConformance(
  ({ clock, limits, namespace }) => new RedisFloodControl({ client, keyPrefix: namespace, clock, limits }),
);

describe('Redis stores on a 3-master Cluster', () => {
  it('spreads debounce shards over the masters and still delivers every burst once, in order', async () => {
    const store = new RedisDebounceStore({ client, keyPrefix: `${keyPrefix}-sharded`, shards: 16 });
    const window = { quietMs: 1_000, maxWaitMs: 5_000, maxItems: 10 };
    const chats = Array.from({ length: 200 }, (_, index) => `chat:{${index}}`);
    for (const chat of chats) {
      await store.push(chat, `${chat}/1`, window, 0);
      await store.push(chat, `${chat}/2`, window, 5);
    }
    const batches = await store.claimDue({ nowMs: 2_000, leaseMs: 10_000, limit: 1_000 });
    expect(batches.map((batch) => batch.key).sort()).toEqual([...chats].sort());
    for (const batch of batches) expect(batch.items).toEqual([`${batch.key}/1`, `${batch.key}/2`]);
    const keysPerMaster = await Promise.all(client.nodes('master').map((node) => node.dbsize()));
    expect(keysPerMaster.filter((count) => count > 0).length).toBeGreaterThan(1);
  });

  it('decides the coalesced rate-limit batches of stores on different masters in one tick', async () => {
    // Each store's batch is one script call on its own slot ({prefix}); six prefixes land on more
    // than one master, and all their batches go out in the same tick.
    const prefixes = Array.from({ length: 6 }, (_, index) => `${keyPrefix}-rl-${index}`);
    const stores = prefixes.map((prefix) => new RedisRateLimitStore({ client, keyPrefix: prefix }));
    const rule = { limit: 3, windowMs: 3_600_000 };
    const decisions = await Promise.all(
      stores.flatMap((store) =>
        Array.from({ length: 10 }, (_, index) => store.consume([{ key: `user:${index % 2}`, rule }], 1)),
      ),
    );
    // Two keys, three units each: the first six calls (three per key, interleaved) pass.
    const expected = [...Array<boolean>(6).fill(true), ...Array<boolean>(4).fill(false)];
    for (let store = 0; store < stores.length; store += 1) {
      expect(decisions.slice(store * 10, store * 10 + 10).map((decision) => decision.allowed)).toEqual(
        expected,
      );
    }
    const slots = await Promise.all(prefixes.map((prefix) => client.cluster('KEYSLOT', `{${prefix}}`)));
    const ranges = (await client.cluster('SLOTS')) as [number, number, ...unknown[]][];
    const owners = new Set(
      slots.map((slot) => ranges.findIndex(([first, last]) => slot >= first && slot <= last)),
    );
    expect(owners.size).toBeGreaterThan(1);
  });
});
