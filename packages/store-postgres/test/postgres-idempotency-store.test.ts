import { idempotencyStoreConformance, createManualClock } from '@botkeel/core/testing';
import { idempotent } from '@botkeel/core';
import { PostgresIdempotencyStore } from '@botkeel/store-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, type TestSchema, unreachablePool } from './support/test-database.js';

let database: TestSchema;
const unreachable: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  database = await createTestSchema('idempotency');
});
afterAll(async () => {
  await database.dispose();
  await Promise.all(unreachable.map((pool) => pool.close()));
});

idempotencyStoreConformance(
  ({ clock }) => new PostgresIdempotencyStore({ pool: database.pool, schema: database.schema, clock }),
  {
    name: 'PostgresIdempotencyStore',
    makeUnavailableStore: async () => {
      const pool = await unreachablePool();
      unreachable.push(pool);
      return new PostgresIdempotencyStore({ pool });
    },
  },
);

describe('PostgresIdempotencyStore on Postgres', () => {
  it('runs the function once under idempotent() and returns the stored result afterwards', async () => {
    const store = new PostgresIdempotencyStore({ pool: database.pool, schema: database.schema });
    let calls = 0;
    const run = () =>
      idempotent(
        store,
        'order:42',
        () => {
          calls += 1;
          return Promise.resolve({ orderId: 42 });
        },
        { ttlMs: 60_000, leaseMs: 10_000 },
      );
    expect(await run()).toEqual({ orderId: 42 });
    expect(await run()).toEqual({ orderId: 42 });
    expect(calls).toBe(1);
  });

  it('deletes expired results and lapsed leases in batches, keeping live rows', async () => {
    const clock = createManualClock(1_900_000_000_000);
    const store = new PostgresIdempotencyStore({ pool: database.pool, schema: database.schema, clock });
    const started = await store.begin('cleanup:done', { leaseMs: 1_000 });
    if (started.status !== 'started') throw new Error('expected started');
    await store.complete('cleanup:done', started.token, 'r', { ttlMs: 500 });
    await store.begin('cleanup:lapsed', { leaseMs: 500 });
    await store.begin('cleanup:live', { leaseMs: 60_000 });
    clock.advance(500);
    expect(await store.cleanupExpired({ batchSize: 1 })).toBeGreaterThanOrEqual(2);
    const left = await database.pool.query<{ key: string }>(
      `SELECT key FROM "${database.schema}".botkeel_idempotency WHERE key LIKE 'cleanup:%'`,
    );
    expect(left.rows).toEqual([{ key: 'cleanup:live' }]);
  });
});
