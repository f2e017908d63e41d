import { lockStoreConformance, createManualClock } from '@botkeel/core/testing';
import { PostgresLockStore } from '@botkeel/store-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, type TestSchema, unreachablePool } from './support/test-database.js';

let database: TestSchema;
const unreachable: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  database = await createTestSchema('lock');
});
afterAll(async () => {
  await database.dispose();
  await Promise.all(unreachable.map((pool) => pool.close()));
});

lockStoreConformance(
  ({ clock }) => new PostgresLockStore({ pool: database.pool, schema: database.schema, clock }),
  {
    name: 'PostgresLockStore',
    makeUnavailableStore: async () => {
      const pool = await unreachablePool();
      unreachable.push(pool);
      return new PostgresLockStore({ pool });
    },
  },
);

describe('PostgresLockStore on Postgres', () => {
  it('keeps fencing tokens increasing after cleanup deleted the expired row', async () => {
    const clock = createManualClock(2_000_000_000_000);
    const store = new PostgresLockStore({ pool: database.pool, schema: database.schema, clock });
    const first = await store.acquire('fenced', { leaseMs: 100 });
    clock.advance(100);
    expect(await store.cleanupExpired()).toBeGreaterThanOrEqual(1);
    const second = await store.acquire('fenced', { leaseMs: 100 });
    expect(second?.fencingToken).toBeGreaterThan(first?.fencingToken ?? Number.POSITIVE_INFINITY);
  });
});
