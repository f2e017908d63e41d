import { BotkeelError, createSafeLogger, type Logger, parseOptions } from '@botkeel/core';
import { type Pool, type PoolClient, type QueryConfig, type QueryResult, type QueryResultRow } from 'pg';
import { z } from 'zod';
import { defaultSchema, tableNames, type TableNames } from '../sql/identifier.js';
import { throwIfAborted, toStoreError } from '../sql/to-store-error.js';
import { guardCheckedOutClient, poolWaitBudgetMs } from '../sql/run-query.js';
import { loadMigrationFiles, type MigrationFile } from './migration-files.js';

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /** The schema to create the tables in (created when missing). Default `'public'`. */
  schema?: string;
  /** Where progress and warnings go. Default: silent. */
  logger?: Logger;
  /**
   * Budget of each statement of a migration, including the wait for the advisory lock while another
   * instance migrates; it replaces the pool's (short) statement timeout inside migration
   * transactions. Default 600000 (10 minutes).
   */
  timeoutMs?: number;
  /** Stops between migrations; the one running when it fires completes or rolls back whole. */
  signal?: AbortSignal;
}

/** What {@link migrate} did. */
export interface MigrateResult {
  /** Migrations this call applied, in order (e.g. `['0001_dedupe_checkpoints_idempotency']`). */
  readonly applied: readonly string[];
  /** Migrations that were already recorded in `botkeel_migrations`. */
  readonly alreadyApplied: readonly string[];
}

const migrateOptionsSchema = z.object({
  schema: z.string().default(defaultSchema),
  timeoutMs: z.number().int().positive().default(600_000),
  logger: z.custom<Logger>((value) => typeof value === 'object' && value !== null).optional(),
  signal: z.instanceof(AbortSignal).optional(),
});

/** The advisory lock key shared by every migrator of one schema (two int4 halves). */
const lockStatement = `SELECT pg_advisory_xact_lock(hashtext('botkeel.migrate'), hashtext($1))`;

/** One migration session: the client, the schema's names and the per-statement budget. */
interface Session {
  readonly client: PoolClient;
  readonly names: TableNames;
  readonly timeoutMs: number;
}

/** Runs one statement with the migration budget also as pg's client-side read timeout. */
function execute<Row extends QueryResultRow>(
  session: Session,
  text: string,
  values?: unknown[],
): Promise<QueryResult<Row>> {
  return session.client.query<Row>({ text, values, query_timeout: session.timeoutMs + 1_000 } as QueryConfig);
}

async function inTransaction<T>(session: Session, work: () => Promise<T>): Promise<T> {
  const { client, names } = session;
  await client.query('BEGIN');
  try {
    // SET cannot take parameters; the value is an integer validated by zod.
    await client.query(`SET LOCAL statement_timeout = ${Math.trunc(session.timeoutMs)}`);
    await execute(session, lockStatement, [names.schemaName]);
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

async function bootstrap(session: Session): Promise<void> {
  const { client, names } = session;
  await inTransaction(session, async () => {
    // Only create a missing schema: a role without CREATE on the database can still migrate an
    // existing one (CREATE SCHEMA IF NOT EXISTS would check the privilege first).
    const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [names.schemaName]);
    if (found.rowCount === 0) await client.query(`CREATE SCHEMA ${names.schema}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${names.migrations} (
         id integer PRIMARY KEY,
         name text NOT NULL,
         checksum text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
  });
}

class MigrationBodyError extends Error {}

/** True for an error the server reported about the SQL itself, not a lost connection or a shutdown. */
function isSqlError(error: unknown): boolean {
  const { severity, code } = (error ?? {}) as { severity?: unknown; code?: unknown };
  return (
    typeof severity === 'string' &&
    typeof code === 'string' &&
    !code.startsWith('08') &&
    !code.startsWith('57P')
  );
}

async function applyOne(
  session: Session,
  file: MigrationFile,
  log: Logger,
): Promise<'applied' | 'already-applied'> {
  const { client, names } = session;
  return inTransaction(session, async () => {
    const recorded = await client.query<{ checksum: string }>(
      `SELECT checksum FROM ${names.migrations} WHERE id = $1`,
      [file.id],
    );
    const existing = recorded.rows[0];
    if (existing !== undefined) {
      if (existing.checksum !== file.checksum) {
        log.warn(
          { migration: file.name, schema: names.schemaName },
          'applied migration differs from the shipped file',
        );
      }
      return 'already-applied';
    }
    await client.query(`SET LOCAL search_path TO ${names.schema}`);
    try {
      await execute(session, file.sql);
    } catch (error) {
      if (!isSqlError(error)) throw error;
      throw new MigrationBodyError(error instanceof Error ? error.message : String(error), { cause: error });
    }
    await client.query(`INSERT INTO ${names.migrations} (id, name, checksum) VALUES ($1, $2, $3)`, [
      file.id,
      file.name,
      file.checksum,
    ]);
    log.info({ migration: file.name, schema: names.schemaName }, 'migration applied');
    return 'applied';
  });
}

/**
 * Creates or upgrades Botkeel's tables: applies the numbered SQL files shipped in the package's
 * `migrations/` folder, in order, each in its own transaction that first takes a transaction-scoped
 * advisory lock (`pg_advisory_xact_lock`) for the schema and records the file in
 * `botkeel_migrations`. Any number of instances may call it at once (each file is applied exactly
 * once; the others wait, then skip it), and it works through PgBouncer in transaction mode because
 * the lock lives and dies with the transaction. A failing file rolls back whole (`MIGRATION_FAILED`).
 *
 * @example
 * ```ts
 * const pool = await createPool({ connectionString: process.env.DATABASE_URL });
 * await migrate(pool, { schema: 'botkeel' });
 * ```
 */
export function migrate(pool: Pool, options: MigrateOptions = {}): Promise<MigrateResult> {
  return applyMigrations(pool, loadMigrationFiles(), options);
}

/**
 * Applies `files` the way {@link migrate} applies the shipped ones (internal; tests feed it their own).
 *
 * @example
 * ```ts
 * await applyMigrations(pool, loadMigrationFiles('/tmp/broken'), { schema: 'scratch' });
 * ```
 */
export async function applyMigrations(
  pool: Pool,
  files: readonly MigrationFile[],
  options: MigrateOptions = {},
): Promise<MigrateResult> {
  const parsed = parseOptions('migrate', migrateOptionsSchema, options);
  const names = tableNames(parsed.schema);
  const log = createSafeLogger(parsed.logger);
  throwIfAborted(parsed.signal, 'migrate');
  let client: PoolClient;
  try {
    client = await pool.connect();
  } catch (error) {
    throw toStoreError(error, 'migrate', poolWaitBudgetMs(pool));
  }
  const detach = guardCheckedOutClient(client);
  const applied: string[] = [];
  const alreadyApplied: string[] = [];
  let failure: unknown;
  try {
    const session: Session = { client, names, timeoutMs: parsed.timeoutMs };
    await bootstrap(session);
    for (const file of files) {
      throwIfAborted(parsed.signal, 'migrate');
      const outcome = await applyOne(session, file, log);
      (outcome === 'applied' ? applied : alreadyApplied).push(file.name);
    }
    return { applied, alreadyApplied };
  } catch (error) {
    failure = error;
    if (error instanceof MigrationBodyError) {
      const failed = files[applied.length + alreadyApplied.length]?.name ?? 'unknown';
      throw new BotkeelError(
        'MIGRATION_FAILED',
        `Migration ${failed} failed in schema ${names.schemaName} and was rolled back: ${error.message}`,
        { cause: error.cause },
      );
    }
    throw toStoreError(error, 'migrate', poolWaitBudgetMs(pool));
  } finally {
    detach();
    // A client that saw a connection error is discarded rather than returned to the pool.
    client.release(
      failure instanceof Error && !(failure instanceof MigrationBodyError) ? failure : undefined,
    );
  }
}
