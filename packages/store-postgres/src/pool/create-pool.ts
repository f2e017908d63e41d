import {
  AbortedError,
  createSafeLogger,
  type Lifecycle,
  type Logger,
  parseOptions,
  StoreUnavailableError,
} from '@botkeel/core';
import { type ConnectionOptions } from 'node:tls';
import pg from 'pg';
import { z } from 'zod';
import { guardCheckedOutClient } from '../sql/run-query.js';
import { describeTarget, type PostgresTarget } from './describe-target.js';

/** Options of {@link createPool}. */
export interface CreatePoolOptions {
  /** A `postgres://` URL. Fields given separately below take precedence, like in `pg`. */
  connectionString?: string;
  /** Server host name or address. */
  host?: string;
  /** Server port. Default 5432. */
  port?: number;
  /** Database name. */
  database?: string;
  /** Role to log in as. */
  user?: string;
  /** Never logged and never put in an error message. */
  password?: string;
  /** TLS options passed to `pg` as they are. */
  ssl?: boolean | ConnectionOptions;
  /** Clients kept open even when idle. Default 2. */
  min?: number;
  /** Most clients open at once; callers beyond it wait for a free one. Default 5. */
  max?: number;
  /** How long a connect, or a wait for a free client, may take before it fails with `TIMEOUT`. Default 5000. */
  connectionTimeoutMs?: number;
  /** Idle clients above `min` are closed after this long. Default 30000. */
  idleTimeoutMs?: number;
  /**
   * Server-side `statement_timeout` sent when a connection opens; `0` sends none (e.g. behind a
   * PgBouncer without `ignore_startup_parameters = statement_timeout`; set it on the role instead).
   * Default 10000.
   */
  statementTimeoutMs?: number;
  /** Shown in `pg_stat_activity.application_name`. Default `'botkeel'`. */
  applicationName?: string;
  /** Open `min` connections and run `SELECT 1` before resolving, so a wrong address fails at start. Default true. */
  warmUp?: boolean;
  /** Where errors of idle clients go (they never crash the process). Default: silent. */
  logger?: Logger;
  /** When given, the pool registers its `close()` here under `'postgres'`. */
  lifecycle?: Lifecycle;
}

/** A `pg` pool with safe defaults and a `close()` for graceful shutdown. */
export interface PostgresPool extends pg.Pool {
  /** Where it connects (host, port, database; never the password), for logs and messages. */
  readonly target: PostgresTarget;
  /**
   * Ends the pool: waits for checked-out clients to be released, then closes every connection.
   * Idempotent. Rejects with `ABORTED` if `signal` fires first (the pool keeps closing).
   */
  close(signal?: AbortSignal): Promise<void>;
}

const poolOptionsSchema = z
  .object({
    connectionString: z.string().min(1).optional(),
    host: z.string().min(1).optional(),
    port: z.number().int().min(1).max(65_535).optional(),
    database: z.string().min(1).optional(),
    user: z.string().min(1).optional(),
    password: z.string().optional(),
    ssl: z.union([z.boolean(), z.record(z.string(), z.unknown())]).optional(),
    min: z.number().int().min(0).default(2),
    max: z.number().int().min(1).default(5),
    connectionTimeoutMs: z.number().int().positive().default(5_000),
    idleTimeoutMs: z.number().int().min(0).default(30_000),
    statementTimeoutMs: z.number().int().min(0).default(10_000),
    applicationName: z.string().min(1).max(63).default('botkeel'),
    warmUp: z.boolean().default(true),
    logger: z.custom<Logger>((value) => typeof value === 'object' && value !== null).optional(),
    lifecycle: z
      .custom<Lifecycle>((value) => typeof (value as Partial<Lifecycle> | null)?.register === 'function')
      .optional(),
  })
  .refine((options) => options.min <= options.max, { message: 'must not exceed max', path: ['min'] });

type ParsedPoolOptions = z.output<typeof poolOptionsSchema>;

function toPgConfig(options: ParsedPoolOptions): pg.PoolConfig {
  const config: pg.PoolConfig = {
    min: options.min,
    max: options.max,
    connectionTimeoutMillis: options.connectionTimeoutMs,
    idleTimeoutMillis: options.idleTimeoutMs,
    application_name: options.applicationName,
    keepAlive: true,
  };
  if (options.statementTimeoutMs > 0) {
    config.statement_timeout = options.statementTimeoutMs;
    // A client-side backstop one second later, for a server that stopped answering altogether.
    config.query_timeout = options.statementTimeoutMs + 1_000;
  }
  for (const key of ['connectionString', 'host', 'port', 'database', 'user', 'password'] as const) {
    if (options[key] !== undefined) Object.assign(config, { [key]: options[key] });
  }
  if (options.ssl !== undefined) config.ssl = options.ssl;
  return config;
}

async function warmUp(pool: pg.Pool, count: number): Promise<void> {
  const connecting = Array.from({ length: Math.max(1, count) }, () =>
    pool.connect().then((client) => ({ client, detach: guardCheckedOutClient(client) })),
  );
  const clients = await Promise.allSettled(connecting);
  let failure: unknown;
  for (const outcome of clients) {
    if (outcome.status === 'rejected') {
      failure ??= outcome.reason;
      continue;
    }
    const { client, detach } = outcome.value;
    try {
      if (failure === undefined) await client.query('SELECT 1');
      detach();
      client.release();
    } catch (error) {
      failure ??= error;
      detach();
      client.release(error instanceof Error ? error : true);
    }
  }
  if (failure !== undefined) {
    throw failure instanceof Error ? failure : new Error('warm-up failed', { cause: failure });
  }
}

function causeMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message === '' && typeof (error as { code?: unknown }).code === 'string'
    ? String((error as { code: string }).code)
    : message;
}

/**
 * Creates a `pg` pool with production defaults (min 2, max 5, 5 s connect and wait timeout, a
 * statement timeout, `application_name`), never uses named prepared statements (so it works through
 * PgBouncer in transaction mode), logs errors of idle clients instead of crashing, and checks the
 * connection at start: it resolves once `min` connections answered `SELECT 1`, or rejects with
 * `STORE_UNAVAILABLE` naming host, port and database (never the password).
 *
 * @example
 * ```ts
 * const lifecycle = createLifecycle();
 * const pool = await createPool({ connectionString: process.env.DATABASE_URL, lifecycle, logger });
 * await migrate(pool);
 * const dedupe = new PostgresDedupeStore({ pool });
 * // at shutdown: await lifecycle.shutdown({ deadlineMs: 10_000 }) closes the pool
 * ```
 */
export async function createPool(options: CreatePoolOptions = {}): Promise<PostgresPool> {
  const parsed = parseOptions('createPool', poolOptionsSchema, options);
  const config = toPgConfig(parsed);
  const target = describeTarget(config);
  const log = createSafeLogger(parsed.logger).child({ component: 'postgres-pool', ...target });
  const pool = new pg.Pool(config) as PostgresPool;
  pool.on('error', (error) => {
    // Emitted for idle clients whose connection broke (server restart, network); the pool drops
    // the client and opens a new one on demand. Without this listener Node would crash.
    log.warn({ err: error }, 'idle postgres client failed; it was removed from the pool');
  });
  let closing: Promise<void> | undefined;
  const end = () => (closing ??= pool.end());
  Object.defineProperty(pool, 'target', { value: target, enumerable: true });
  pool.close = (signal?: AbortSignal) => {
    const ended = end();
    if (signal === undefined) return ended;
    if (signal.aborted) return Promise.reject(new AbortedError('Closing the postgres pool was aborted'));
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(new AbortedError('Closing the postgres pool was aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
      ended.then(
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  };
  if (parsed.warmUp) {
    try {
      await warmUp(pool, parsed.min);
    } catch (error) {
      await end().catch(() => undefined);
      throw new StoreUnavailableError(
        'postgres',
        `Cannot connect to Postgres at ${target.host}:${target.port}/${target.database}: ${causeMessage(error)}`,
        { cause: error },
      );
    }
  }
  parsed.lifecycle?.register('postgres', (signal) => pool.close(signal));
  return pool;
}
