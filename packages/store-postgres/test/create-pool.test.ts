import { randomBytes } from 'node:crypto';
import { BotkeelError, createLifecycle, type Logger } from '@botkeel/core';
import { createPool, PostgresDedupeStore, PostgresCheckpointStore } from '@botkeel/store-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, freePort, type TestSchema, testDatabaseUrl } from './support/test-database.js';

let database: TestSchema;
beforeAll(async () => {
  database = await createTestSchema('pool');
});
afterAll(async () => {
  await database.dispose();
});

interface LogLine {
  level: string;
  fields: object | string;
  message?: string;
}

function recordingLogger(lines: LogLine[]): Logger {
  const method =
    (level: string) =>
    (fields: object | string, message?: string): void => {
      lines.push({ level, fields, message });
    };
  const logger: Logger = {
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    fatal: method('fatal'),
    child: () => logger,
  };
  return logger;
}

async function outcome(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'ok',
    (reason: unknown) => reason,
  );
}

describe('createPool', () => {
  it('uses the documented defaults and sends application_name and statement_timeout', async () => {
    const pool = await createPool({ connectionString: testDatabaseUrl });
    try {
      expect(pool.options).toMatchObject({ min: 2, max: 5, connectionTimeoutMillis: 5_000 });
      expect(pool.totalCount).toBe(2);
      const { rows } = await pool.query<{ name: string; timeout: string }>(
        `SELECT current_setting('application_name') AS name, current_setting('statement_timeout') AS timeout`,
      );
      expect(rows).toEqual([{ name: 'botkeel', timeout: '10s' }]);
      expect(pool.target).toEqual({ host: '127.0.0.1', port: 5432, database: 'test' });
    } finally {
      await pool.close();
    }
  });

  it('fails fast at start, naming host, port and database but never the password', async () => {
    const port = await freePort();
    const password = `pw-${randomBytes(6).toString('hex')}`;
    const error = await outcome(
      createPool({
        host: '127.0.0.1',
        port,
        database: 'orders',
        user: 'bot',
        password,
        connectionTimeoutMs: 2_000,
      }),
    );
    expect(BotkeelError.hasCode(error, 'STORE_UNAVAILABLE')).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain(`127.0.0.1:${port}/orders`);
    expect(message).not.toContain(password);
    expect(JSON.stringify(error)).not.toContain(password);
  });

  it('keeps the password of a connection string out of the start-up error', async () => {
    const port = await freePort();
    const error = await outcome(
      createPool({
        connectionString: `postgres://bot:s3cret-pa55@127.0.0.1:${port}/shop`,
        connectionTimeoutMs: 2_000,
      }),
    );
    expect((error as Error).message).toContain(`127.0.0.1:${port}/shop`);
    expect((error as Error).message).not.toContain('s3cret-pa55');
  });

  it('names the bad option', async () => {
    await expect(createPool({ connectionString: testDatabaseUrl, max: 0 })).rejects.toThrow(
      /createPool: max/,
    );
    await expect(createPool({ connectionString: testDatabaseUrl, min: 6, max: 5 })).rejects.toThrow(/min/);
  });

  it('logs an idle client whose backend was killed, does not crash, and serves the next query', async () => {
    const lines: LogLine[] = [];
    const applicationName = `bk_idle_${randomBytes(4).toString('hex')}`;
    const pool = await createPool({
      connectionString: testDatabaseUrl,
      applicationName,
      logger: recordingLogger(lines),
    });
    try {
      const killer = new pg.Client({ connectionString: testDatabaseUrl });
      await killer.connect();
      const killed = await killer.query<{ count: number }>(
        `SELECT count(pg_terminate_backend(pid))::int AS count FROM pg_stat_activity WHERE application_name = $1`,
        [applicationName],
      );
      await killer.end();
      expect(killed.rows[0]?.count).toBe(2);
      await expect.poll(() => lines.filter((line) => line.level === 'warn').length).toBe(2);
      const { rows } = await pool.query<{ one: number }>('SELECT 1 AS one');
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await pool.close();
    }
  });

  it('registers close() with the lifecycle, which ends the pool at shutdown', async () => {
    const lifecycle = createLifecycle();
    const pool = await createPool({ connectionString: testDatabaseUrl, lifecycle });
    const report = await lifecycle.shutdown({ deadlineMs: 5_000 });
    expect(report.closed).toEqual(['postgres']);
    expect(pool.ended).toBe(true);
    await expect(pool.close()).resolves.toBeUndefined();
    await expect(pool.query('SELECT 1')).rejects.toThrow();
  });

  it('turns a statement that outlives statement_timeout into TIMEOUT', async () => {
    const pool = await createPool({ connectionString: testDatabaseUrl, statementTimeoutMs: 200 });
    const store = new PostgresDedupeStore({ pool, schema: database.schema });
    const holder = new pg.Client({ connectionString: testDatabaseUrl });
    await holder.connect();
    try {
      await store.claim('held-row', { leaseMs: 1 });
      await holder.query('BEGIN');
      await holder.query(
        `SELECT 1 FROM "${database.schema}".botkeel_dedupe WHERE key = 'held-row' FOR UPDATE`,
      );
      const error = await outcome(store.claim('held-row', { leaseMs: 60_000 }));
      expect(BotkeelError.hasCode(error, 'TIMEOUT')).toBe(true);
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
      await pool.close();
    }
  });

  it('sends no named prepared statements, so it works through PgBouncer in transaction mode', async () => {
    const pool = await createPool({ connectionString: testDatabaseUrl, min: 1, max: 1 });
    try {
      const dedupe = new PostgresDedupeStore({ pool, schema: database.schema });
      const checkpoints = new PostgresCheckpointStore({ pool, schema: database.schema });
      await dedupe.claim('prepared', { leaseMs: 1_000 });
      await dedupe.claim('prepared', { leaseMs: 1_000 });
      await checkpoints.save('prepared', { a: 1 }, { expectedVersion: 0, machineVersion: 1, nowMs: 1 });
      await checkpoints.load('prepared');
      const { rows } = await pool.query<{ count: number }>(
        'SELECT count(*)::int AS count FROM pg_prepared_statements',
      );
      expect(rows).toEqual([{ count: 0 }]);
    } finally {
      await pool.close();
    }
  });
});

describe('pool exhaustion', () => {
  it('completes 500 concurrent claims on max 5', async () => {
    const pool = await createPool({ connectionString: testDatabaseUrl, max: 5, connectionTimeoutMs: 10_000 });
    try {
      const store = new PostgresDedupeStore({ pool, schema: database.schema });
      const results = await Promise.all(
        Array.from({ length: 500 }, (_, index) => store.claim(`exhaust:${index}`, { leaseMs: 60_000 })),
      );
      expect(new Set(results)).toEqual(new Set(['claimed']));
    } finally {
      await pool.close();
    }
  });

  it('fails each of 500 waiting callers with TIMEOUT while every client is busy; nothing hangs', async () => {
    const pool = await createPool({
      connectionString: testDatabaseUrl,
      min: 5,
      max: 5,
      connectionTimeoutMs: 300,
    });
    const store = new PostgresDedupeStore({ pool, schema: database.schema });
    const busy = await Promise.all(Array.from({ length: 5 }, () => pool.connect()));
    let isReleased = false;
    try {
      const outcomes = await Promise.all(
        Array.from({ length: 500 }, (_, index) =>
          store.claim(`busy:${index}`, { leaseMs: 60_000 }).then(
            () => ({ code: 'claimed', whileBusy: !isReleased }),
            (error: unknown) => ({ code: (error as BotkeelError).code, whileBusy: !isReleased }),
          ),
        ),
      );
      expect(outcomes.every((each) => each.code === 'TIMEOUT' && each.whileBusy)).toBe(true);
    } finally {
      isReleased = true;
      for (const client of busy) client.release();
    }
    expect(await store.claim('busy:after', { leaseMs: 60_000 })).toBe('claimed');
    await pool.close();
  });

  it('rejects a caller waiting for a client with ABORTED when its signal fires, and never sends its statement', async () => {
    const pool = await createPool({
      connectionString: testDatabaseUrl,
      min: 1,
      max: 1,
      connectionTimeoutMs: 5_000,
    });
    const store = new PostgresDedupeStore({ pool, schema: database.schema });
    const busy = await pool.connect();
    try {
      const controller = new AbortController();
      const waiting = store.claim('aborted-wait', { leaseMs: 60_000, signal: controller.signal });
      controller.abort();
      await expect(waiting).rejects.toMatchObject({ code: 'ABORTED' });
    } finally {
      busy.release();
    }
    expect(await store.claim('aborted-wait', { leaseMs: 60_000 })).toBe('claimed');
    await pool.close();
  });
});
