import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { applyMigrations } from '../src/migration/migrate.js';
import { loadMigrationFiles } from '../src/migration/migration-files.js';
import { migrate, createPool, type MigrateResult, type PostgresPool } from '@botkeel/store-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropSchema, randomSchema, testDatabaseUrl } from './support/test-database.js';
import { runChildren } from './support/run-children.js';

const shipped = loadMigrationFiles().map((file) => file.name);
const schemas: string[] = [];
let pool: PostgresPool;

beforeAll(async () => {
  pool = await createPool({ connectionString: testDatabaseUrl, min: 1, max: 5 });
});
afterAll(async () => {
  for (const schema of schemas) await dropSchema(schema);
  await pool.close();
});

function newSchema(label: string): string {
  const schema = randomSchema(label);
  schemas.push(schema);
  return schema;
}

async function recorded(schema: string): Promise<{ id: number; name: string }[]> {
  const result = await pool.query<{ id: number; name: string }>(
    `SELECT id, name FROM "${schema}".botkeel_migrations ORDER BY id`,
  );
  return result.rows;
}

describe('migrate', () => {
  it('ships numbered SQL files, in order, starting at 0001', () => {
    expect(shipped).toEqual(['0001_dedupe_checkpoints_idempotency', '0002_locks']);
  });

  it('applies every file once and records it; a second run applies nothing', async () => {
    const schema = newSchema('migrate_once');
    expect(await migrate(pool, { schema })).toEqual({ applied: shipped, alreadyApplied: [] });
    expect(await migrate(pool, { schema })).toEqual({ applied: [], alreadyApplied: shipped });
    expect(await recorded(schema)).toEqual([
      { id: 1, name: shipped[0] },
      { id: 2, name: shipped[1] },
    ]);
  });

  it('applies each migration exactly once when 3 processes migrate one empty schema at once', async () => {
    const schema = newSchema('migrate_race');
    const startAtMs = Date.now() + 4_000;
    const results = await runChildren<MigrateResult>(
      'migrate',
      [1, 2, 3].map(() => ({ schema, startAtMs })),
    );
    const applied = results.flatMap((result) => result.applied).sort();
    expect(applied).toEqual(shipped);
    for (const result of results) {
      expect([...result.applied, ...result.alreadyApplied].sort()).toEqual(shipped);
    }
    expect(await recorded(schema)).toHaveLength(shipped.length);
  }, 60_000);

  it('applies each migration exactly once when 3 pools migrate one empty schema at once', async () => {
    const schema = newSchema('migrate_pools');
    const pools = await Promise.all(
      [1, 2, 3].map(() => createPool({ connectionString: testDatabaseUrl, min: 1, max: 1 })),
    );
    try {
      const results = await Promise.all(pools.map((each) => migrate(each, { schema })));
      expect(results.flatMap((result) => result.applied).sort()).toEqual(shipped);
      expect(await recorded(schema)).toHaveLength(shipped.length);
    } finally {
      await Promise.all(pools.map((each) => each.close()));
    }
  });

  it('creates the primary keys and the expires_at indexes the stores rely on', async () => {
    const schema = newSchema('migrate_catalog');
    await migrate(pool, { schema });
    const constraints = await pool.query<{ table: string; type: string; columns: string[] }>(
      `SELECT c.conrelid::regclass::text AS table, c.contype AS type,
              array_agg(a.attname::text ORDER BY k.ordinality) AS columns
         FROM pg_constraint c
         JOIN pg_namespace n ON n.oid = c.connamespace
         CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ordinality)
         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
        WHERE n.nspname = $1 AND c.contype IN ('p', 'u')
        GROUP BY c.conrelid, c.contype, c.conname
        ORDER BY 1`,
      [schema],
    );
    expect(constraints.rows).toEqual([
      { table: `${schema}.botkeel_checkpoints`, type: 'p', columns: ['thread_id', 'version'] },
      { table: `${schema}.botkeel_dedupe`, type: 'p', columns: ['key'] },
      { table: `${schema}.botkeel_idempotency`, type: 'p', columns: ['key'] },
      { table: `${schema}.botkeel_locks`, type: 'p', columns: ['key'] },
      { table: `${schema}.botkeel_migrations`, type: 'p', columns: ['id'] },
    ]);
    const indexes = await pool.query<{ tablename: string; indexdef: string }>(
      `SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = $1 AND indexdef LIKE '%(expires_at)%'
        ORDER BY tablename`,
      [schema],
    );
    expect(indexes.rows.map((row) => row.tablename)).toEqual([
      'botkeel_dedupe',
      'botkeel_idempotency',
      'botkeel_locks',
    ]);
    for (const row of indexes.rows) expect(row.indexdef).toMatch(/USING btree \(expires_at\)/);
  });

  it('rolls a failing file back whole, keeps the ones before it, and names it in MIGRATION_FAILED', async () => {
    const schema = newSchema('migrate_broken');
    const directory = mkdtempSync(join(tmpdir(), 'botkeel-migrations-'));
    try {
      writeFileSync(join(directory, '0001_first.sql'), 'CREATE TABLE first_table (id integer PRIMARY KEY);');
      writeFileSync(
        join(directory, '0002_broken.sql'),
        'CREATE TABLE half_table (id integer);\nINSERT INTO missing_table VALUES (1);',
      );
      writeFileSync(join(directory, 'README.txt'), 'not a migration');
      const files = loadMigrationFiles(directory);
      expect(files.map((file) => file.name)).toEqual(['0001_first', '0002_broken']);
      const error: unknown = await applyMigrations(pool, files, { schema }).catch(
        (reason: unknown) => reason,
      );
      expect(error).toMatchObject({ code: 'MIGRATION_FAILED' });
      expect((error as Error).message).toContain('0002_broken');
      expect(await recorded(schema)).toEqual([{ id: 1, name: '0001_first' }]);
      const tables = await pool.query<{ name: string }>(
        `SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 ORDER BY 1`,
        [schema],
      );
      expect(tables.rows.map((row) => row.name)).toEqual(['botkeel_migrations', 'first_table']);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('refuses two files with the same number', () => {
    const directory = mkdtempSync(join(tmpdir(), 'botkeel-migrations-'));
    try {
      writeFileSync(join(directory, '0001_a.sql'), 'SELECT 1;');
      writeFileSync(join(directory, '0001_b.sql'), 'SELECT 1;');
      expect(() => loadMigrationFiles(directory)).toThrow(/share number 1/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('waits for the advisory lock held by another migrator, beyond the pool statement timeout', async () => {
    const schema = newSchema('migrate_lock');
    const holder = new pg.Client({ connectionString: testDatabaseUrl });
    await holder.connect();
    const shortPool = await createPool({
      connectionString: testDatabaseUrl,
      min: 1,
      max: 1,
      statementTimeoutMs: 200,
    });
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(hashtext('botkeel.migrate'), hashtext($1))`, [schema]);
      let isSettled = false;
      const migrating = migrate(shortPool, { schema }).finally(() => (isSettled = true));
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(isSettled).toBe(false);
      await holder.query('COMMIT');
      expect((await migrating).applied).toEqual(shipped);
    } finally {
      await holder.end();
      await shortPool.close();
    }
  });

  it('gives up with TIMEOUT when the lock is held longer than timeoutMs', async () => {
    const schema = newSchema('migrate_lock_timeout');
    const holder = new pg.Client({ connectionString: testDatabaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(hashtext('botkeel.migrate'), hashtext($1))`, [schema]);
      await expect(migrate(pool, { schema, timeoutMs: 300 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    expect((await migrate(pool, { schema })).applied).toEqual(shipped);
  });

  it('rejects a schema that is not a plain identifier before running any SQL', async () => {
    await expect(migrate(pool, { schema: 'public"; DROP SCHEMA public; --' })).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
  });

  it('rejects with STORE_UNAVAILABLE when the server cannot be reached', async () => {
    const down = await createPool({ host: '127.0.0.1', port: 1, database: 'test', warmUp: false, min: 0 });
    try {
      await expect(migrate(down, { schema: 'unused' })).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });
    } finally {
      await down.close();
    }
  });
});
