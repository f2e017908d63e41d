/**
 * Postgres dedupe claims/s: Botkeel's PostgresDedupeStore from Node against `pgbench` running the
 * same `INSERT … ON CONFLICT (key) DO UPDATE … WHERE … RETURNING` on the same number of connections,
 * in the same run (alternating rounds, best of each and per-round ratios), plus a plain `pg` pool
 * issuing the same SQL, checks that every contended key has exactly one winner, and checkpoint
 * save+load round trips/s. Both sides run with the same `synchronous_commit` (the server's setting,
 * read at start and passed to every Node pool and to pgbench with `-c synchronous_commit=…`), the
 * same number of connections (Node pool min = max = connections, pgbench `-c`), the same key shape (a
 * prefix, the caller number and a random 64-bit number: every claim inserts a new key at a random
 * place in the index) and the same round length; pgbench in `-M extended` mode, the unnamed-statement
 * protocol `pg` and the store use. Each side is warmed up first (Node's JIT, the server's caches).
 * Every round prints the load average, and the client's CPU time per claim (user + system of this
 * process; pgbench's from GNU time).
 *
 * Setups: 1 caller on 1 connection (statement for statement `pgbench -c 1`); 16 and 64 callers in
 * flight on ONE connection (webhook traffic on a small pool; pgbench cannot have more callers than
 * connections, so it runs `-c 1`); 16 callers on 16 connections. The store coalesces the claims made
 * in one event-loop turn into one statement (`INSERT … SELECT FROM unnest(…) ON CONFLICT …`), so with
 * N callers in flight Node sends fewer, larger statements than pgbench's one per claim; the table
 * shows the claims per statement (statements counted on the pool's clients).
 *
 * Run: cd bench && TSX_TSCONFIG_PATH=../tsconfig.json node --expose-gc --import tsx postgres.bench.ts
 * Needs the shared test server (BOTKEEL_TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test)
 * and `pgbench` on PATH.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
/** The server's `synchronous_commit`, read at start; both sides run with it explicitly. */
let synchronousCommit = 'on';
/** The connection URL with `synchronous_commit` set as a startup option, like pgbench's PGOPTIONS. */
function durableUrl(): string {
  const withOptions = new URL(url);
  withOptions.searchParams.set('options', `-c synchronous_commit=${synchronousCommit}`);
  return withOptions.toString();
}
const url = process.env.BOTKEEL_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const target = new URL(url);
const schema = `bk_bench_${randomBytes(4).toString('hex')}`;
const table = `"${schema}"."botkeel_dedupe"`;
/**
 * Connections (pool size, pgbench `-c`) and callers in flight. One caller on one connection is
 * statement for statement the same work as `pgbench -c 1`; many callers on one connection is what
 * webhook traffic gives a small pool (pgbench cannot have more callers than connections, so it runs
 * `-c 1`); 16 on 16 is the many-connections case.
 */
const setups: readonly { connections: number; callers: number }[] = [
  { connections: 1, callers: 1 },
  { connections: 1, callers: 16 },
  { connections: 1, callers: 64 },
  { connections: 16, callers: 16 },
];
const roundSeconds = 2;
const rounds = 6;
const leaseMs = 60_000;

const claimSql = `INSERT INTO ${table} AS current (key, state, lease_until, expires_at)
  VALUES ($1, 'claimed', to_timestamp($2::float8 / 1000), to_timestamp($2::float8 / 1000))
  ON CONFLICT (key) DO UPDATE
    SET state = 'claimed', lease_until = excluded.lease_until, expires_at = excluded.expires_at
    WHERE current.expires_at <= to_timestamp($3::float8 / 1000)
  RETURNING 1 AS claimed`;

/** A key like pgbench's `'<prefix>:' || :client_id || ':' || random(1, 9000000000000000000)`. */
function randomKey(prefix: string, worker: number): string {
  return `${prefix}:${worker}:${Math.floor(Math.random() * 9e18) + 1}`;
}

/** The 1-minute load average (from /proc/loadavg; empty where there is none). */
function loadAverage(): string {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '';
  } catch {
    return '';
  }
}

interface Rate {
  perSecond: number;
  /** The client's CPU time (user + system) per call, µs: this Node process, or pgbench's. */
  cpuMicros?: number;
  /** How many calls completed (Node sides). */
  calls?: number;
  /** Calls per statement sent (the store batches claims made in one turn); 1 for the others. */
  callsPerStatement?: number;
}

/** Calls per second of `call`, issued back to back by `clients` concurrent loops for `seconds` (whole seconds, like pgbench -T). */
async function measure(
  clients: number,
  call: (worker: number) => Promise<unknown>,
  seconds = roundSeconds,
): Promise<Rate> {
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const started = process.hrtime.bigint();
  const cpuAtStart = process.cpuUsage();
  let calls = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, worker) => {
      while (process.hrtime.bigint() < deadline) {
        await call(worker);
        calls += 1;
      }
    }),
  );
  const cpu = process.cpuUsage(cpuAtStart);
  return {
    perSecond: calls / (Number(process.hrtime.bigint() - started) / 1e9),
    cpuMicros: (cpu.user + cpu.system) / calls,
    calls,
  };
}

/** `/usr/bin/time` (GNU time), when installed, reports pgbench's own CPU time. */
const timeCommand = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

async function pgbench(clients: number, scriptPath: string, seconds = roundSeconds): Promise<Rate> {
  const pgbenchArguments = [
    '-n',
    '-M',
    'extended',
    '-c',
    String(clients),
    '-j',
    String(Math.min(clients, 2)),
    '-T',
    String(seconds),
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
  ];
  const { stdout, stderr } = await run(
    timeCommand ?? 'pgbench',
    timeCommand === undefined
      ? pgbenchArguments
      : ['-f', 'pgbench-cpu %U %S', 'pgbench', ...pgbenchArguments],
    { timeout: 60_000, env: { ...process.env, PGOPTIONS: `-c synchronous_commit=${synchronousCommit}` } },
  );
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout);
  if (tps?.[1] === undefined) throw new Error(`cannot read pgbench output:\n${stdout}`);
  const transactions = /number of transactions actually processed: (\d+)/.exec(stdout)?.[1];
  const cpu = /pgbench-cpu ([\d.]+) ([\d.]+)/.exec(stderr);
  const rate: Rate = { perSecond: Number(tps[1]) };
  if (cpu?.[1] !== undefined && cpu[2] !== undefined && transactions !== undefined) {
    // GNU time counts in 10 ms ticks: about 1 µs per claim of resolution at these rates.
    rate.cpuMicros = ((Number(cpu[1]) + Number(cpu[2])) * 1e6) / Number(transactions);
  }
  return rate;
}

/** The median client CPU per claim of `rates`, e.g. `62 µs` (`?` when not measured). */
function cpuMedian(rates: readonly Rate[]): string {
  const measured = rates.flatMap((rate) => (rate.cpuMicros === undefined ? [] : [rate.cpuMicros]));
  return measured.length === 0 ? '?' : `${median(measured).toFixed(0)} µs`;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

async function withPool<T>(clients: number, work: (pool: PostgresPool) => Promise<T>): Promise<T> {
  const pool = await createPool({ connectionString: durableUrl(), min: clients, max: clients });
  try {
    return await work(pool);
  } finally {
    await pool.close();
  }
}

/**
 * Counts the statements sent on `pool`'s clients (the store keeps a client across back-to-back
 * batches, so pool checkouts would undercount them).
 */
function countStatements(pool: PostgresPool): () => number {
  let statements = 0;
  const counted = new WeakSet<pg.PoolClient>();
  pool.on('acquire', (client) => {
    if (counted.has(client)) return;
    counted.add(client);
    const query = client.query.bind(client) as (...values: unknown[]) => unknown;
    client.query = ((...values: unknown[]) => {
      statements += 1;
      return query(...values);
    }) as typeof client.query;
  });
  return () => statements;
}

/**
 * 100 keys, each claimed by 64 concurrent callers split over two stores (two app instances) on a
 * pool of ONE connection each: every key must have exactly one winner, across both stores'
 * batches.
 */
async function exactlyOneWinnerPerKeyOnOneConnection(): Promise<string> {
  return withPool(1, (first) =>
    withPool(1, async (second) => {
      const stores = [first, second].map((pool) => new PostgresDedupeStore({ pool, schema }));
      const keys = 100;
      const claimers = 64;
      let violations = 0;
      for (let key = 0; key < keys; key += 1) {
        const results = await Promise.all(
          Array.from({ length: claimers }, (_, caller) =>
            (stores[caller % 2] as PostgresDedupeStore).claim(`one-connection:${key}`, { leaseMs }),
          ),
        );
        if (results.filter((result) => result === 'claimed').length !== 1) violations += 1;
      }
      if (violations > 0) throw new Error(`${violations} contended keys did not have exactly one winner`);
      return `${keys} keys × ${claimers} concurrent claimers over 2 stores with 1 connection each: exactly one 'claimed' per key`;
    }),
  );
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
    synchronousCommit = String(
      (await setup.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0]
        ?.synchronous_commit ?? 'on',
    );
    const serverVersion = String(
      (await setup.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?',
    );
    await withPool(1, async (pool) => {
      const seen = (await pool.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0];
      if (seen?.synchronous_commit !== synchronousCommit) {
        throw new Error(`the Node pool runs with synchronous_commit=${seen?.synchronous_commit}`);
      }
      await migrate(pool, { schema });
    });
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
      '| connections | callers in flight | Botkeel PostgresDedupeStore claims/s | plain `pg` pool, same SQL | pgbench tps, same SQL | Botkeel / pgbench (best of each) | Botkeel / pgbench per round (min–max, median) | plain `pg` / pgbench per round (median) | client CPU per claim: Botkeel / plain `pg` / pgbench (median) | load average per round |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ];
    const detail = [
      '| connections | callers | round | Botkeel claims/s (CPU µs/claim; claims per statement) | plain `pg` (CPU µs/claim) | pgbench tps (CPU µs/claim) | Botkeel / pgbench | load average |',
      '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ];
    for (const { connections, callers } of setups) {
      const claimWithStore = async (seconds?: number): Promise<Rate> =>
        withPool(connections, async (pool) => {
          const store = new PostgresDedupeStore({ pool, schema });
          const statements = countStatements(pool);
          let notClaimed = 0;
          const rate = await measure(
            callers,
            async (worker) => {
              // Every key is new: anything but 'claimed' is a wrong answer.
              if ((await store.claim(randomKey('node', worker), { leaseMs })) !== 'claimed') notClaimed += 1;
            },
            seconds,
          );
          if (notClaimed > 0) throw new Error(`${notClaimed} claims of new keys were not 'claimed'`);
          return { ...rate, callsPerStatement: (rate.calls ?? 0) / Math.max(1, statements()) };
        });
      const claimWithPlainPool = async (seconds?: number): Promise<Rate> =>
        withPool(connections, async (pool) => {
          let notClaimed = 0;
          const rate = await measure(
            callers,
            async (worker) => {
              const now = Date.now();
              // The same check as the store's side: a new key is always inserted (one row back).
              const { rowCount } = await pool.query(claimSql, [
                randomKey('plain', worker),
                now + leaseMs,
                now,
              ]);
              if (rowCount !== 1) notClaimed += 1;
            },
            seconds,
          );
          if (notClaimed > 0) throw new Error(`${notClaimed} plain claims of new keys inserted nothing`);
          return rate;
        });
      // Warm-up: Node's JIT and the server's caches, not measured.
      await claimWithStore(1);
      await claimWithPlainPool(1);
      await pgbench(connections, scriptPath, 1);
      const results: { ours: Rate; plain: Rate; theirs: Rate; load: string }[] = [];
      for (let round = 0; round < rounds; round += 1) {
        const result: Partial<(typeof results)[number]> = {};
        const contenders: (() => Promise<void>)[] = [
          async () => {
            result.ours = await claimWithStore();
          },
          async () => {
            result.plain = await claimWithPlainPool();
          },
          async () => {
            result.theirs = await pgbench(connections, scriptPath);
          },
        ];
        // Rotate who goes first each round, so no side always meets the same state of the server.
        for (let turn = 0; turn < contenders.length; turn += 1) {
          globalThis.gc?.();
          await contenders[(round + turn) % contenders.length]?.();
        }
        const { ours, plain, theirs } = result;
        if (ours === undefined || plain === undefined || theirs === undefined)
          throw new Error('round incomplete');
        results.push({ ours, plain, theirs, load: loadAverage() });
        detail.push(
          `| ${connections} | ${callers} | ${round + 1} | ${ours.perSecond.toFixed(0)} (${(ours.cpuMicros ?? 0).toFixed(0)}; ${(ours.callsPerStatement ?? 1).toFixed(1)}) | ${plain.perSecond.toFixed(0)} (${(plain.cpuMicros ?? 0).toFixed(0)}) | ${theirs.perSecond.toFixed(0)} (${theirs.cpuMicros?.toFixed(0) ?? '?'}) | ${(ours.perSecond / theirs.perSecond).toFixed(2)}× | ${loadAverage()} |`,
        );
      }
      const best = (pick: (result: (typeof results)[number]) => Rate) =>
        Math.max(...results.map((result) => pick(result).perSecond));
      const ratios = results.map((result) => result.ours.perSecond / result.theirs.perSecond);
      const plainRatios = results.map((result) => result.plain.perSecond / result.theirs.perSecond);
      const ours = best((result) => result.ours);
      const theirs = best((result) => result.theirs);
      lines.push(
        `| ${connections} | ${callers} | ${ours.toFixed(0)} | ${best((result) => result.plain).toFixed(0)} | ${theirs.toFixed(0)} | ${(ours / theirs).toFixed(2)}× | ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}×, ${median(ratios).toFixed(2)}× | ${median(plainRatios).toFixed(2)}× | ${cpuMedian(results.map((result) => result.ours))} / ${cpuMedian(results.map((result) => result.plain))} / ${cpuMedian(results.map((result) => result.theirs))} | ${results.map((result) => result.load).join(', ')} |`,
      );
    }

    const winners = await exactlyOneWinnerPerKey();
    const winnersOnOneConnection = await exactlyOneWinnerPerKeyOnOneConnection();
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

    console.log(
      `PostgreSQL ${serverVersion}, synchronous_commit=${synchronousCommit} on both sides; Node ${process.version}; rounds of ${roundSeconds} s, ${rounds} per setup\n`,
    );
    console.log(lines.join('\n'));
    console.log(`\n${detail.join('\n')}`);
    console.log(
      `\nCorrectness: ${winners}; ${winnersOnOneConnection}; every measured claim of a new key answered 'claimed'.`,
    );
    console.log(
      `\n| workload | Botkeel PostgresCheckpointStore |\n| --- | ---: |\n| load + save (version CAS, prune to 10), 16 clients, one thread each | ${checkpointRate.perSecond.toFixed(0)} round trips/s (Node CPU ${(checkpointRate.cpuMicros ?? 0).toFixed(0)} µs each) |`,
    );
  } finally {
    await setup.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await setup.end();
    rmSync(directory, { recursive: true, force: true });
  }
}

await main();
