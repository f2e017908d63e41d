import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import pg from 'pg';
import { createPool, migrate, type CreatePoolOptions, type PostgresPool } from '@botkeel/store-postgres';

/** The shared test server (trust auth); override with BOTKEEL_TEST_POSTGRES_URL. */
export const testDatabaseUrl =
  process.env.BOTKEEL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh random schema name, e.g. `bk_test_dedupe_3fa9c1d2`. */
export function randomSchema(label: string): string {
  return `bk_test_${label}_${randomBytes(4).toString('hex')}`;
}

/** A migrated random schema on the shared server and a pool for it; `dispose` drops both. */
export interface TestSchema {
  readonly pool: PostgresPool;
  readonly schema: string;
  dispose(): Promise<void>;
}

/**
 * How long test callers may wait for a pool client: the conformance suites start 1,000 calls at
 * once on a pool of 10, so on a loaded machine the last ones queue for seconds. (The 5 s default
 * and its TIMEOUT are tested on their own in create-pool.test.ts.)
 */
export const testPoolWaitMs = 30_000;

/** Creates a random schema, migrates it, and returns a pool (max 10 unless overridden). */
export async function createTestSchema(label: string, options: CreatePoolOptions = {}): Promise<TestSchema> {
  const schema = randomSchema(label);
  const pool = await createPool({
    connectionString: testDatabaseUrl,
    min: 1,
    max: 10,
    connectionTimeoutMs: testPoolWaitMs,
    ...options,
  });
  await migrate(pool, { schema });
  return {
    pool,
    schema,
    async dispose() {
      await dropSchema(schema);
      await pool.close();
    },
  };
}

/** Drops `schema` and everything in it, on a short-lived connection of its own. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A loopback TCP port nothing listens on right now. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** A pool (no warm-up) pointed at a loopback port where nothing listens: every call fails. */
export async function unreachablePool(): Promise<PostgresPool> {
  const port = await freePort();
  return createPool({ host: '127.0.0.1', port, database: 'test', user: 'postgres', warmUp: false, min: 0 });
}
