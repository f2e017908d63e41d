import { dedupeStoreConformance } from '@botkeel/core/testing';
import { createPool, PostgresDedupeStore } from '@botkeel/store-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createManualClock } from '@botkeel/core/testing';
import {
  createTestSchema,
  testDatabaseUrl,
  type TestSchema,
  unreachablePool,
} from './support/test-database.js';

let database: TestSchema;
const unreachable: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  database = await createTestSchema('dedupe');
});
afterAll(async () => {
  await database.dispose();
  await Promise.all(unreachable.map((pool) => pool.close()));
});

dedupeStoreConformance(
  ({ clock }) => new PostgresDedupeStore({ pool: database.pool, schema: database.schema, clock }),
  {
    name: 'PostgresDedupeStore',
    makeUnavailableStore: async () => {
      const pool = await unreachablePool();
      unreachable.push(pool);
      return new PostgresDedupeStore({ pool });
    },
  },
);

describe('PostgresDedupeStore on Postgres', () => {
  it('gives exactly one claimed among 200 concurrent claims through the pool', async () => {
    const store = new PostgresDedupeStore({ pool: database.pool, schema: database.schema });
    const results = await Promise.all(
      Array.from({ length: 200 }, () => store.claim('race:200', { leaseMs: 60_000 })),
    );
    expect(results.filter((result) => result === 'claimed')).toHaveLength(1);
    expect(results.filter((result) => result === 'in-progress')).toHaveLength(199);
  });

  it('stores one row per key with its state, lease and expiry from the injected clock', async () => {
    const clock = createManualClock(1_700_000_000_000);
    const store = new PostgresDedupeStore({ pool: database.pool, schema: database.schema, clock });
    await store.claim('row:1', { leaseMs: 1_500 });
    const claimed = await database.pool.query<{ state: string; lease: number; expires: number }>(
      `SELECT state, (extract(epoch FROM lease_until) * 1000)::float8 AS lease,
              (extract(epoch FROM expires_at) * 1000)::float8 AS expires
         FROM "${database.schema}".botkeel_dedupe WHERE key = $1`,
      ['row:1'],
    );
    expect(claimed.rows).toEqual([
      { state: 'claimed', lease: 1_700_000_001_500, expires: 1_700_000_001_500 },
    ]);
    await store.complete('row:1', { ttlMs: 86_400_000 });
    const done = await database.pool.query<{ state: string; lease: number | null; expires: number }>(
      `SELECT state, lease_until AS lease, (extract(epoch FROM expires_at) * 1000)::float8 AS expires
         FROM "${database.schema}".botkeel_dedupe WHERE key = $1`,
      ['row:1'],
    );
    expect(done.rows).toEqual([{ state: 'done', lease: null, expires: 1_700_086_400_000 }]);
  });

  it('keeps a completed key when the release comes after complete', async () => {
    const store = new PostgresDedupeStore({ pool: database.pool, schema: database.schema });
    expect(await store.claim('late-release', { leaseMs: 60_000 })).toBe('claimed');
    await store.complete('late-release', { ttlMs: 60_000 });
    await store.release('late-release');
    expect(await store.claim('late-release', { leaseMs: 60_000 })).toBe('duplicate');
  });

  it('deletes expired rows in batches and leaves live ones', async () => {
    const clock = createManualClock(1_800_000_000_000);
    const store = new PostgresDedupeStore({ pool: database.pool, schema: database.schema, clock });
    for (let index = 0; index < 25; index += 1)
      await store.claim(`cleanup:short:${index}`, { leaseMs: 1_000 });
    await store.claim('cleanup:long', { leaseMs: 60_000 });
    await store.claim('cleanup:done', { leaseMs: 1_000 });
    await store.complete('cleanup:done', { ttlMs: 60_000 });
    clock.advance(1_000);
    // Every row any other test left behind also counts as expired at this (later) time; count only ours.
    const deleted = await store.cleanupExpired({ batchSize: 7 });
    expect(deleted).toBeGreaterThanOrEqual(25);
    const left = await database.pool.query<{ key: string }>(
      `SELECT key FROM "${database.schema}".botkeel_dedupe WHERE key LIKE 'cleanup:%' ORDER BY key`,
    );
    expect(left.rows.map((row) => row.key)).toEqual(['cleanup:done', 'cleanup:long']);
    expect(await store.claim('cleanup:short:3', { leaseMs: 1_000 })).toBe('claimed');
  });

  it('stops cleanup after maxBatches', async () => {
    const clock = createManualClock(1_900_000_000_000);
    const store = new PostgresDedupeStore({ pool: database.pool, schema: database.schema, clock });
    for (let index = 0; index < 10; index += 1) await store.claim(`bounded:${index}`, { leaseMs: 1 });
    clock.advance(10);
    const before = await database.pool.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM "${database.schema}".botkeel_dedupe`,
    );
    expect(await store.cleanupExpired({ batchSize: 3, maxBatches: 2 })).toBe(6);
    const after = await database.pool.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM "${database.schema}".botkeel_dedupe`,
    );
    expect(after.rows[0]?.count).toBe((before.rows[0]?.count ?? 0) - 6);
  });

  it('treats hostile keys as plain values (every value is a parameter)', async () => {
    const store = new PostgresDedupeStore({ pool: database.pool, schema: database.schema });
    const keys = [`x'); DROP TABLE botkeel_dedupe; --`, `"quoted"`, `$1`, `back\\slash`, `привіт 🙂`];
    for (const key of keys) expect(await store.claim(key, { leaseMs: 60_000 })).toBe('claimed');
    for (const key of keys) await store.complete(key, { ttlMs: 60_000 });
    for (const key of keys) expect(await store.claim(key, { leaseMs: 60_000 })).toBe('duplicate');
    const stored = await database.pool.query<{ key: string }>(
      `SELECT key FROM "${database.schema}".botkeel_dedupe WHERE key = ANY($1::text[]) ORDER BY key`,
      [keys],
    );
    expect(stored.rows.map((row) => row.key).sort()).toEqual([...keys].sort());
  });

  it('gives the only client of the pool back after a refused statement, with or without a signal', async () => {
    const pool = await createPool({
      connectionString: testDatabaseUrl,
      min: 1,
      max: 1,
      connectionTimeoutMs: 2_000,
    });
    try {
      const store = new PostgresDedupeStore({ pool, schema: database.schema });
      const signal = new AbortController().signal;
      // A NUL character cannot be stored in Postgres text: claim refuses it before it joins a batch
      // (so it cannot fail the other claims of that batch); complete sends it and the server refuses.
      await expect(store.claim('nul\u0000key', { leaseMs: 60_000 })).rejects.toMatchObject({
        code: 'INVALID_OPTIONS',
      });
      await expect(store.claim('nul\u0000key', { leaseMs: 60_000, signal })).rejects.toMatchObject({
        code: 'INVALID_OPTIONS',
      });
      await expect(store.complete('nul\u0000key', { ttlMs: 60_000 })).rejects.toMatchObject({
        code: 'INVALID_OPTIONS',
      });
      await expect(store.complete('nul\u0000key', { ttlMs: 60_000, signal })).rejects.toMatchObject({
        code: 'INVALID_OPTIONS',
      });
      expect(await store.claim('after-refusal', { leaseMs: 60_000 })).toBe('claimed');
      expect(await store.claim('after-refusal:signal', { leaseMs: 60_000, signal })).toBe('claimed');
      // The claim store keeps its client until the end of the turn (for a next claim), then gives it back.
      await new Promise((resolve) => setImmediate(resolve));
      expect(pool.totalCount - pool.idleCount).toBe(0);
    } finally {
      await pool.close();
    }
  });

  it('refuses a NUL key without failing the claims made in the same turn', async () => {
    const store = new PostgresDedupeStore({ pool: database.pool, schema: database.schema });
    const [bad, good] = await Promise.allSettled([
      store.claim('nul\u0000neighbour', { leaseMs: 60_000 }),
      store.claim('nul-neighbour', { leaseMs: 60_000 }),
    ]);
    expect(bad).toMatchObject({ status: 'rejected', reason: { code: 'INVALID_OPTIONS' } });
    expect(good).toEqual({ status: 'fulfilled', value: 'claimed' });
  });

  it('rejects a non-positive lease with INVALID_OPTIONS before touching the database', async () => {
    const store = new PostgresDedupeStore({ pool: database.pool, schema: database.schema });
    await expect(store.claim('bad-lease', { leaseMs: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
  });

  it('rejects a schema name that is not a plain identifier', () => {
    expect(() => new PostgresDedupeStore({ pool: database.pool, schema: 'x"; DROP TABLE y; --' })).toThrow(
      /schema: must match/,
    );
  });

  it('aborts with ABORTED when the signal already fired', async () => {
    const store = new PostgresDedupeStore({ pool: database.pool, schema: database.schema });
    const controller = new AbortController();
    controller.abort();
    await expect(store.claim('aborted', { leaseMs: 1_000, signal: controller.signal })).rejects.toMatchObject(
      {
        code: 'ABORTED',
      },
    );
  });
});
