/**
 * Postgres dedupe claims/s: Botkeel's PostgresDedupeStore from Node against `pgbench` running the
 * same `INSERT … ON CONFLICT (key) DO UPDATE … WHERE … RETURNING` at the same number of clients, in
 * the same run (alternating rounds, best of each), plus a plain `pg` pool issuing the same SQL, a
 * check that every contended key has exactly one winner, and checkpoint save+load round trips/s.
 * Durable commits (server default `synchronous_commit = on`); pgbench in `-M extended` mode, the
 * protocol `pg` uses for parameterised queries.
 *
 * Run: cd bench && TSX_TSCONFIG_PATH=../tsconfig.json node --expose-gc --import tsx postgres.bench.ts
 * Needs the shared test server (BOTKEEL_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test)
 * and `pgbench` on PATH.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import {
  createPool,
  migrate,
  PostgresCheckpointStore,
  PostgresDedupeStore,
  type PostgresPool,
} from '@botkeel/store-postgres';

const run = promisify(execFile);
const url = process.env.BOTKEEL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const target = new URL(url);
const schema = `bk_bench_${randomBytes(4).toString('hex')}`;
const table = `"${schema}"."botkeel_dedupe"`;
const clientCounts = [1, 16];
const roundSeconds = 2;
const rounds = 3;
const leaseMs = 60_000;
/** Counts measured runs; each run's keys carry its number, so keys never repeat across runs. */
let runs = 0;

const claimSql = `INSERT INTO ${table} AS current (key, state, lease_until, expires_at)
  VALUES ($1, 'claimed', to_timestamp($2::float8 / 1000), to_timestamp($2::float8 / 1000))
  ON CONFLICT (key) DO UPDATE
    SET state = 'claimed', lease_until = excluded.lease_until, expires_at = excluded.expires_at
    WHERE current.expires_at <= to_timestamp($3::float8 / 1000)
  RETURNING 1 AS claimed`;

/** Calls per second of `call`, issued back to back by `clients` concurrent loops for `roundSeconds`. */
async function measure(
  clients: number,
  call: (worker: number, index: number) => Promise<unknown>,
): Promise<number> {
  const deadline = process.hrtime.bigint() + BigInt(roundSeconds * 1e9);
  const started = process.hrtime.bigint();
  let calls = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, worker) => {
      for (let index = 0; process.hrtime.bigint() < deadline; index += 1) {
        await call(worker, index);
        calls += 1;
      }
    }),
  );
  return calls / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function pgbench(clients: number, scriptPath: string): Promise<number> {
  const { stdout } = await run(
    'pgbench',
    [
      '-n',
      '-M',
      'extended',
      '-c',
      String(clients),
      '-j',
      String(Math.min(clients, 2)),
      '-T',
      String(roundSeconds),
      '-f',
      scriptPath,
      '-D',
      `now=${Date.now()}`,
      '-D',
      `lease=${leaseMs}`,
      '-h',
      target.hostname,
      '-p',
      target.port || '5432',
      '-U',
      decodeURIComponent(target.username || 'postgres'),
      target.pathname.slice(1) || 'test',
    ],
    { timeout: 60_000 },
  );
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout);
  if (tps?.[1] === undefined) throw new Error(`cannot read pgbench output:\n${stdout}`);
  return Number(tps[1]);
}

async function withPool<T>(clients: number, work: (pool: PostgresPool) => Promise<T>): Promise<T> {
  const pool = await createPool({ connectionString: url, min: clients, max: clients });
  try {
    return await work(pool);
  } finally {
    await pool.close();
  }
}

async function exactlyOneWinnerPerKey(): Promise<string> {
  return withPool(16, async (pool) => {
    const store = new PostgresDedupeStore({ pool, schema });
    const keys = 100;
    const claimers = 16;
    let violations = 0;
    for (let key = 0; key < keys; key += 1) {
      const results = await Promise.all(
        Array.from({ length: claimers }, () => store.claim(`contended:${key}`, { leaseMs })),
      );
      if (results.filter((result) => result === 'claimed').length !== 1) violations += 1;
    }
    if (violations > 0) throw new Error(`${violations} contended keys did not have exactly one winner`);
    return `${keys} keys × ${claimers} concurrent claimers: exactly one 'claimed' per key`;
  });
}

async function main(): Promise<void> {
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  const directory = mkdtempSync(join(tmpdir(), 'botkeel-bench-'));
  try {
    await withPool(1, (pool) => migrate(pool, { schema }));
    const scriptPath = join(directory, 'claim.sql');
    writeFileSync(
      scriptPath,
      `\\set k random(1, 9000000000000000000)
\\set expires :now + :lease
INSERT INTO ${table} AS current (key, state, lease_until, expires_at)
  VALUES ('pgbench:' || :client_id || ':' || :k, 'claimed', to_timestamp(:expires::float8 / 1000), to_timestamp(:expires::float8 / 1000))
  ON CONFLICT (key) DO UPDATE
    SET state = 'claimed', lease_until = excluded.lease_until, expires_at = excluded.expires_at
    WHERE current.expires_at <= to_timestamp(:now::float8 / 1000)
  RETURNING 1 AS claimed;
`,
    );

    const lines = [
      '| clients | Botkeel PostgresDedupeStore claims/s | plain `pg` pool, same SQL | pgbench tps, same SQL | Botkeel / pgbench |',
      '| ---: | ---: | ---: | ---: | ---: |',
    ];
    for (const clients of clientCounts) {
      let ours = 0;
      let plain = 0;
      let theirs = 0;
      const contenders: (() => Promise<void>)[] = [
        async () => {
          const run = (runs += 1);
          const rate = await withPool(clients, (pool) => {
            const store = new PostgresDedupeStore({ pool, schema });
            return measure(clients, (worker, index) =>
              store.claim(`node:${run}:${worker}:${index}`, { leaseMs }),
            );
          });
          ours = Math.max(ours, rate);
        },
        async () => {
          const run = (runs += 1);
          const rate = await withPool(clients, (pool) =>
            measure(clients, (worker, index) => {
              const now = Date.now();
              return pool.query(claimSql, [`plain:${run}:${worker}:${index}`, now + leaseMs, now]);
            }),
          );
          plain = Math.max(plain, rate);
        },
        async () => {
          theirs = Math.max(theirs, await pgbench(clients, scriptPath));
        },
      ];
      // Rotate who goes first each round, so no side always meets a cold server or a cold JIT.
      for (let round = 0; round < rounds; round += 1) {
        for (let turn = 0; turn < contenders.length; turn += 1) {
          globalThis.gc?.();
          await contenders[(round + turn) % contenders.length]?.();
        }
      }
      lines.push(
        `| ${clients} | ${ours.toFixed(0)} | ${plain.toFixed(0)} | ${theirs.toFixed(0)} | ${(ours / theirs).toFixed(2)}× |`,
      );
    }

    const winners = await exactlyOneWinnerPerKey();
    const checkpointRate = await withPool(16, (pool) => {
      const store = new PostgresCheckpointStore({ pool, schema, historyLimit: 10 });
      const versions = new Map<number, number>();
      return measure(16, async (worker) => {
        const current = await store.load(`thread:${worker}`);
        const saved = await store.save(
          `thread:${worker}`,
          { state: 'QUALIFY', context: { step: versions.get(worker) ?? 0, items: ['sku-1', 'sku-2'] } },
          { expectedVersion: current?.version ?? 0, machineVersion: 1, nowMs: Date.now() },
        );
        versions.set(worker, saved.version);
      });
    });

    console.log(lines.join('\n'));
    console.log(`\nCorrectness: ${winners}.`);
    console.log(
      `\n| workload | Botkeel PostgresCheckpointStore |\n| --- | ---: |\n| load + save (version CAS, prune to 10), 16 clients, one thread each | ${checkpointRate.toFixed(0)} round trips/s |`,
    );
  } finally {
    await setup.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await setup.end();
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
