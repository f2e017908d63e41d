import {
  checkpointStoreConformance,
  dedupeStoreConformance,
  idempotencyStoreConformance,
  lockStoreConformance,
} from '@botkeel/core/testing';
import {
  createPool,
  migrate,
  PostgresCheckpointStore,
  PostgresDedupeStore,
  PostgresIdempotencyStore,
  PostgresLockStore,
  type PostgresPool,
} from '@botkeel/store-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PgBouncer, pgbouncerBinary, startPgBouncer } from './support/pgbouncer.js';
import { dropSchema, randomSchema, testPoolWaitMs } from './support/test-database.js';

const isInstalled = pgbouncerBinary !== undefined;
const schema = randomSchema('pgbouncer');
let bouncer: PgBouncer | undefined;
let pool: PostgresPool;

const connection = () => ({ pool, schema });

describe.skipIf(!isInstalled)(
  'through PgBouncer in transaction mode (skipped when pgbouncer is not installed)',
  () => {
    beforeAll(async () => {
      bouncer = await startPgBouncer();
      // More clients than PgBouncer has server connections (4), so transactions really move between them.
      pool = await createPool({
        connectionString: bouncer.url,
        min: 2,
        max: 12,
        connectionTimeoutMs: testPoolWaitMs,
      });
      await migrate(pool, { schema });
    });
    afterAll(async () => {
      await pool?.close();
      await bouncer?.stop();
      await dropSchema(schema);
    });

    it('migrates through PgBouncer: a second run applies nothing', async () => {
      const result = await migrate(pool, { schema });
      expect(result.applied).toEqual([]);
      expect(result.alreadyApplied).toHaveLength(2);
    });

    it('really runs through PgBouncer in transaction mode', async () => {
      const backends = new Set<number>();
      for (let index = 0; index < 40; index += 1) {
        const { rows } = await pool.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
        backends.add(rows[0]?.pid ?? 0);
      }
      expect(backends.size).toBeLessThanOrEqual(4);
    });

    dedupeStoreConformance(({ clock }) => new PostgresDedupeStore({ ...connection(), clock }), {
      name: 'PostgresDedupeStore via PgBouncer',
    });
    checkpointStoreConformance(
      ({ historyLimit }) => new PostgresCheckpointStore({ ...connection(), historyLimit }),
      {
        name: 'PostgresCheckpointStore via PgBouncer',
      },
    );
    idempotencyStoreConformance(({ clock }) => new PostgresIdempotencyStore({ ...connection(), clock }), {
      name: 'PostgresIdempotencyStore via PgBouncer',
    });
    lockStoreConformance(({ clock }) => new PostgresLockStore({ ...connection(), clock }), {
      name: 'PostgresLockStore via PgBouncer',
    });
  },
);
