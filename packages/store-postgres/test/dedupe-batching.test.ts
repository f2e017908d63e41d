import { BotkeelError } from '@botkeel/core';
import { createManualClock } from '@botkeel/core/testing';
import { createPool, PostgresDedupeStore, type PostgresPool } from '@botkeel/store-postgres';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, testDatabaseUrl, type TestSchema } from './support/test-database.js';

let database: TestSchema;
const opened: PostgresPool[] = [];
beforeAll(async () => {
  database = await createTestSchema('batching');
});
afterEach(async () => {
  await Promise.all(opened.splice(0).map((pool) => pool.close()));
});
afterAll(async () => {
  await database.dispose();
});

/**
 * A pool of its own whose statements are counted: one batch is one statement (the claim store keeps
 * its client between back-to-back batches, so pool statements would undercount them).
 */
async function countedPool(
  options: { max?: number; statementTimeoutMs?: number } = {},
): Promise<{ pool: PostgresPool; statements: () => number; checkouts: () => number }> {
  const pool = await createPool({
    connectionString: testDatabaseUrl,
    min: 1,
    max: options.max ?? 4,
    connectionTimeoutMs: 30_000,
    ...(options.statementTimeoutMs === undefined ? {} : { statementTimeoutMs: options.statementTimeoutMs }),
  });
  opened.push(pool);
  let count = 0;
  let checkouts = 0;
  const counted = new WeakSet<pg.PoolClient>();
  pool.on('acquire', (client) => {
    checkouts += 1;
    if (counted.has(client)) return;
    counted.add(client);
    const query = client.query.bind(client) as (...values: unknown[]) => unknown;
    client.query = ((...values: unknown[]) => {
      count += 1;
      return query(...values);
    }) as typeof client.query;
  });
  return { pool, statements: () => count, checkouts: () => checkouts };
}

/** One more event-loop turn: the store gives a client no batch took back to the pool at the end of a turn. */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const outcome = (promise: Promise<unknown>): Promise<unknown> =>
  promise.catch((error: unknown) => (BotkeelError.isInstance(error) ? error.code : 'unexpected'));

/** Polls (bounded) until a backend of this test's schema waits on a row lock; returns its pid. */
async function waitForBlockedBackend(key: string): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const { rows } = await database.pool.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
        WHERE wait_event_type = 'Lock' AND query LIKE $1 AND pid <> pg_backend_pid()`,
      [`%${database.schema}%`],
    );
    if (rows[0] !== undefined) return rows[0].pid;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`no backend blocked on ${key}`);
}

/** Holds `key` in an open transaction (an uncommitted insert), so a claim of it waits. */
async function holdKey(key: string): Promise<{ rollback(): Promise<void> }> {
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  await client.query('BEGIN');
  await client.query(
    `INSERT INTO "${database.schema}".botkeel_dedupe (key, state, lease_until, expires_at)
     VALUES ($1, 'claimed', now(), now())`,
    [key],
  );
  return {
    async rollback() {
      await client.query('ROLLBACK');
      await client.end();
    },
  };
}

describe('PostgresDedupeStore batches the claims of one event-loop turn', () => {
  it('answers 200 concurrent claims of one key made in one turn with one statement and exactly one claimed', async () => {
    const { pool, statements } = await countedPool();
    const store = new PostgresDedupeStore({ pool, schema: database.schema });
    const results = await Promise.all(
      Array.from({ length: 200 }, () => store.claim('one-turn:200', { leaseMs: 60_000 })),
    );
    expect(results[0]).toBe('claimed');
    expect(results.filter((result) => result === 'claimed')).toHaveLength(1);
    expect(results.filter((result) => result === 'in-progress')).toHaveLength(199);
    expect(statements()).toBe(1);
  });

  it('answers a batch of mixed keys (new, done, live, expired, repeated) like claims one after another', async () => {
    const clock = createManualClock(1_700_000_000_000);
    const { pool, statements } = await countedPool();
    const store = new PostgresDedupeStore({ pool, schema: database.schema, clock });
    expect(await store.claim('mixed:done', { leaseMs: 1_000 })).toBe('claimed');
    await store.complete('mixed:done', { ttlMs: 60_000 });
    expect(await store.claim('mixed:live', { leaseMs: 60_000 })).toBe('claimed');
    expect(await store.claim('mixed:expired', { leaseMs: 1_000 })).toBe('claimed');
    clock.advance(1_000);
    const before = statements();
    const keys = [
      'mixed:done',
      'mixed:new',
      'mixed:live',
      'mixed:expired',
      'mixed:new',
      'mixed:done',
      'mixed:live',
      'mixed:other',
      'mixed:expired',
    ];
    const results = await Promise.all(keys.map((key) => store.claim(key, { leaseMs: 5_000 })));
    expect(results).toEqual([
      'duplicate',
      'claimed',
      'in-progress',
      'claimed',
      'in-progress',
      'duplicate',
      'in-progress',
      'claimed',
      'in-progress',
    ]);
    expect(statements() - before).toBe(1);
    // The expired row was taken with this batch's lease (now + 5,000 ms).
    const { rows } = await pool.query<{ lease: number }>(
      `SELECT (extract(epoch FROM lease_until) * 1000)::float8 AS lease
         FROM "${database.schema}".botkeel_dedupe WHERE key = 'mixed:expired'`,
    );
    expect(rows).toEqual([{ lease: 1_700_000_006_000 }]);
  });

  it('splits a turn of 1,200 distinct keys into statements of at most 500', async () => {
    const { pool, statements } = await countedPool({ max: 4 });
    const store = new PostgresDedupeStore({ pool, schema: database.schema });
    const results = await Promise.all(
      Array.from({ length: 1_200 }, (_, index) => store.claim(`split:${index}`, { leaseMs: 60_000 })),
    );
    expect(new Set(results)).toEqual(new Set(['claimed']));
    expect(statements()).toBe(3);
  });

  it('runs at most as many batches at once as the pool has clients; later turns wait and join one batch', async () => {
    const { pool, statements } = await countedPool({ max: 2 });
    const store = new PostgresDedupeStore({ pool, schema: database.schema });
    const held = await holdKey('queue:held');
    const waiting: Promise<unknown>[] = [];
    try {
      // Two batches block on the held key (one per pool client) ...
      waiting.push(outcome(store.claim('queue:held', { leaseMs: 60_000 })));
      await waitForBlockedBackend('queue:held');
      waiting.push(outcome(store.claim('queue:held', { leaseMs: 60_000 })));
      for (let attempt = 0; attempt < 200 && statements() < 2; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      // ... so claims of two later turns queue and go out together once a client is free.
      waiting.push(outcome(store.claim('queue:a', { leaseMs: 60_000 })));
      await new Promise((resolve) => setTimeout(resolve, 50));
      waiting.push(outcome(store.claim('queue:b', { leaseMs: 60_000 })));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(statements()).toBe(2);
    } finally {
      await held.rollback();
    }
    const [first, second, ...later] = await Promise.all(waiting);
    // The two blocked claims of one key wake together when the holder rolls back: one of them wins.
    expect([first, second].sort()).toEqual(['claimed', 'in-progress']);
    expect(later).toEqual(['claimed', 'claimed']);
    // The two blocked batches, the losing one's read of why it lost, and ONE batch for both later turns.
    expect(statements()).toBe(4);
  });

  it('fails only the callers of a batch that hit the statement timeout', async () => {
    const { pool } = await countedPool({ max: 4, statementTimeoutMs: 1_000 });
    const store = new PostgresDedupeStore({ pool, schema: database.schema });
    const held = await holdKey('timeout:held');
    try {
      const blocked = ['timeout:held', 'timeout:a', 'timeout:b'].map((key) =>
        outcome(store.claim(key, { leaseMs: 60_000 })),
      );
      await waitForBlockedBackend('timeout:held');
      const next = await Promise.all(
        ['timeout:c', 'timeout:d'].map((key) => store.claim(key, { leaseMs: 60_000 })),
      );
      expect(next).toEqual(['claimed', 'claimed']);
      expect(await Promise.all(blocked)).toEqual(['TIMEOUT', 'TIMEOUT', 'TIMEOUT']);
    } finally {
      await held.rollback();
    }
    // The failed statement was rolled back: its keys are free, and the pool still serves.
    expect(await store.claim('timeout:a', { leaseMs: 60_000 })).toBe('claimed');
    expect(await store.claim('timeout:held', { leaseMs: 60_000 })).toBe('claimed');
  });

  it('fails only the callers of a batch whose connection dropped, with STORE_UNAVAILABLE', async () => {
    const { pool } = await countedPool({ max: 4 });
    const store = new PostgresDedupeStore({ pool, schema: database.schema });
    const held = await holdKey('dropped:held');
    try {
      const blocked = ['dropped:held', 'dropped:a'].map((key) =>
        outcome(store.claim(key, { leaseMs: 60_000 })),
      );
      const pid = await waitForBlockedBackend('dropped:held');
      const next = await Promise.all(
        ['dropped:b', 'dropped:c'].map((key) => store.claim(key, { leaseMs: 60_000 })),
      );
      expect(next).toEqual(['claimed', 'claimed']);
      await database.pool.query('SELECT pg_terminate_backend($1)', [pid]);
      expect(await Promise.all(blocked)).toEqual(['STORE_UNAVAILABLE', 'STORE_UNAVAILABLE']);
    } finally {
      await held.rollback();
    }
    expect(await store.claim('dropped:a', { leaseMs: 60_000 })).toBe('claimed');
    await nextTurn();
    expect(pool.totalCount - pool.idleCount).toBe(0);
  });

  it('leaves a caller that aborted before its batch was sent out of the statement', async () => {
    const store = new PostgresDedupeStore({ pool: database.pool, schema: database.schema });
    const controller = new AbortController();
    const aborted = outcome(store.claim('abort:early', { leaseMs: 60_000, signal: controller.signal }));
    const other = store.claim('abort:other', { leaseMs: 60_000 });
    controller.abort();
    expect(await aborted).toBe('ABORTED');
    expect(await other).toBe('claimed');
    expect(await store.claim('abort:early', { leaseMs: 60_000 })).toBe('claimed');
  });

  it('rejects an aborted caller at once while its batch completes for the others', async () => {
    const store = new PostgresDedupeStore({ pool: database.pool, schema: database.schema });
    const held = await holdKey('abort:held');
    const controller = new AbortController();
    let blocked: Promise<unknown>[] = [];
    try {
      blocked = [
        outcome(store.claim('abort:held', { leaseMs: 60_000 })),
        outcome(store.claim('abort:late', { leaseMs: 60_000, signal: controller.signal })),
      ];
      await waitForBlockedBackend('abort:held');
      controller.abort();
      expect(await blocked[1]).toBe('ABORTED');
    } finally {
      await held.rollback();
    }
    expect(await blocked[0]).toBe('claimed');
    // The statement was sent before the abort, so it took the key on the server.
    expect(await store.claim('abort:late', { leaseMs: 60_000 })).toBe('in-progress');
  });

  it('keeps its client while one caller claims back to back, and gives it back at the end of the turn', async () => {
    const { pool, statements, checkouts } = await countedPool({ max: 1 });
    const store = new PostgresDedupeStore({ pool, schema: database.schema });
    for (let index = 0; index < 20; index += 1) {
      expect(await store.claim(`reuse:${index}`, { leaseMs: 60_000 })).toBe('claimed');
    }
    expect(statements()).toBe(20);
    expect(checkouts()).toBe(1);
    await nextTurn();
    expect(pool.totalCount - pool.idleCount).toBe(0);
    // The other stores of the pool get the client: complete waits for it no longer than a turn.
    await store.complete('reuse:0', { ttlMs: 60_000 });
    expect(await store.claim('reuse:0', { leaseMs: 60_000 })).toBe('duplicate');
  });

  it('gives its client to others waiting for the pool while one caller claims back to back', async () => {
    const pool = await createPool({
      connectionString: testDatabaseUrl,
      min: 1,
      max: 1,
      connectionTimeoutMs: 2_000,
    });
    opened.push(pool);
    const store = new PostgresDedupeStore({ pool, schema: database.schema });
    let isDone = false;
    let claims = 0;
    const flowing = (async () => {
      for (let index = 0; !isDone; index += 1) {
        await store.claim(`fair:${index}`, { leaseMs: 60_000 });
        claims += 1;
      }
    })();
    try {
      while (claims < 5) await new Promise((resolve) => setTimeout(resolve, 5));
      // Each waits for the pool's only client, which the claim loop would keep forever if it never
      // gave it back: they would fail with TIMEOUT after 2 s.
      for (let index = 0; index < 5; index += 1) {
        const before = claims;
        await store.complete(`fair:${index}`, { ttlMs: 60_000 });
        expect(claims - before).toBeLessThan(50);
      }
    } finally {
      isDone = true;
      await flowing;
    }
    expect(await store.claim('fair:0', { leaseMs: 60_000 })).toBe('duplicate');
  });

  it('closes while claims flow: close resolves, and claims after it fail with STORE_UNAVAILABLE', async () => {
    const { pool } = await countedPool({ max: 1 });
    const store = new PostgresDedupeStore({ pool, schema: database.schema });
    let isClosing = false;
    const flowing = (async () => {
      const outcomes: unknown[] = [];
      for (let index = 0; !isClosing; index += 1) {
        outcomes.push(await outcome(store.claim(`closing:${index}`, { leaseMs: 60_000 })));
      }
      return outcomes;
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    isClosing = true;
    // The store holds the pool's only client between claims: close must not wait for it forever.
    await pool.close();
    const outcomes = await flowing;
    expect(outcomes.length).toBeGreaterThan(1);
    expect(new Set(outcomes)).toEqual(new Set(['claimed']));
    expect(await outcome(store.claim('closing:after', { leaseMs: 60_000 }))).toBe('STORE_UNAVAILABLE');
  });
});
