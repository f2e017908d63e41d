import { checkpointStoreConformance } from '@botkeel/core/testing';
import { BotkeelError } from '@botkeel/core';
import { PostgresCheckpointStore } from '@botkeel/store-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, type TestSchema, unreachablePool } from './support/test-database.js';

let database: TestSchema;
const unreachable: { close(): Promise<void> }[] = [];
beforeAll(async () => {
  database = await createTestSchema('checkpoint');
});
afterAll(async () => {
  await database.dispose();
  await Promise.all(unreachable.map((pool) => pool.close()));
});

checkpointStoreConformance(
  ({ historyLimit }) =>
    new PostgresCheckpointStore({ pool: database.pool, schema: database.schema, historyLimit }),
  {
    name: 'PostgresCheckpointStore',
    makeUnavailableStore: async () => {
      const pool = await unreachablePool();
      unreachable.push(pool);
      return new PostgresCheckpointStore({ pool });
    },
  },
);

describe('PostgresCheckpointStore on Postgres', () => {
  const rows = async (threadId: string) =>
    (
      await database.pool.query<{ version: number }>(
        `SELECT version FROM "${database.schema}".botkeel_checkpoints WHERE thread_id = $1 ORDER BY version`,
        [threadId],
      )
    ).rows.map((row) => row.version);

  it('prunes rows in the table to the configured limit on every save', async () => {
    const store = new PostgresCheckpointStore({
      pool: database.pool,
      schema: database.schema,
      historyLimit: 2,
    });
    for (let version = 1; version <= 5; version += 1) {
      await store.save(
        'pruned',
        { version },
        { expectedVersion: version - 1, machineVersion: 1, nowMs: version },
      );
    }
    expect(await rows('pruned')).toEqual([4, 5]);
  });

  it('keeps exactly one winner per version across 20 rounds of 10 racers with pruning to 1', async () => {
    const store = new PostgresCheckpointStore({
      pool: database.pool,
      schema: database.schema,
      historyLimit: 1,
    });
    let expectedVersion = 0;
    for (let round = 0; round < 20; round += 1) {
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, racer) =>
          store.save('rounds', { round, racer }, { expectedVersion, machineVersion: 1, nowMs: round }),
        ),
      );
      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
      expectedVersion += 1;
    }
    expect(await rows('rounds')).toEqual([20]);
  });

  it('reports the stored version on a conflict', async () => {
    const store = new PostgresCheckpointStore({ pool: database.pool, schema: database.schema });
    await store.save('actual', { a: 1 }, { expectedVersion: 0, machineVersion: 1, nowMs: 1 });
    await store.save('actual', { a: 2 }, { expectedVersion: 1, machineVersion: 1, nowMs: 2 });
    const error: unknown = await store
      .save('actual', { a: 3 }, { expectedVersion: 1, machineVersion: 1, nowMs: 3 })
      .catch((reason: unknown) => reason);
    expect(error).toMatchObject({ code: 'VERSION_CONFLICT', expectedVersion: 1, actualVersion: 2 });
  });

  it('refuses a snapshot with a NUL character as INVALID_OPTIONS (not retryable) and stores nothing', async () => {
    const store = new PostgresCheckpointStore({ pool: database.pool, schema: database.schema });
    const error: unknown = await store
      .save('nul', { text: 'a\u0000b' }, { expectedVersion: 0, machineVersion: 1, nowMs: 1 })
      .catch((reason: unknown) => reason);
    expect(BotkeelError.hasCode(error, 'INVALID_OPTIONS')).toBe(true);
    expect((error as BotkeelError).retryable).toBe(false);
    expect(await store.load('nul')).toBeUndefined();
  });

  it('refuses a snapshot that is not JSON and a fractional version before touching the database', async () => {
    const store = new PostgresCheckpointStore({ pool: database.pool, schema: database.schema });
    await expect(
      store.save('bad', undefined, { expectedVersion: 0, machineVersion: 1, nowMs: 1 }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    await expect(
      store.save('bad', { a: 1 }, { expectedVersion: 0.5, machineVersion: 1, nowMs: 1 }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTIONS' });
    expect(await store.load('bad')).toBeUndefined();
  });

  it('keeps savedAtMs to the millisecond', async () => {
    const store = new PostgresCheckpointStore({ pool: database.pool, schema: database.schema });
    await store.save('time', { a: 1 }, { expectedVersion: 0, machineVersion: 7, nowMs: 1_764_380_000_123 });
    expect(await store.load('time')).toMatchObject({ savedAtMs: 1_764_380_000_123, machineVersion: 7 });
  });
});
