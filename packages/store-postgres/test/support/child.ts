/**
 * A separate process for multi-process tests: `node --import tsx child.ts <mode> <json>`.
 * - `migrate {"schema","startAtMs"}` prints the MigrateResult as JSON;
 * - `claim {"schema","key","count","startAtMs"}` prints how often each ClaimResult came back.
 * Both wait until `startAtMs` (wall clock) after connecting, so the processes start their work together.
 */
import { createPool, migrate, PostgresDedupeStore } from '@botkeel/store-postgres';
import { testDatabaseUrl, testPoolWaitMs } from './test-database.js';

interface ChildInput {
  schema: string;
  startAtMs: number;
  key?: string;
  count?: number;
}

const [mode, json] = process.argv.slice(2);
const input = JSON.parse(json ?? '{}') as ChildInput;
const pool = await createPool({
  connectionString: testDatabaseUrl,
  min: 1,
  max: 5,
  connectionTimeoutMs: testPoolWaitMs,
});
await new Promise((resolve) => setTimeout(resolve, Math.max(0, input.startAtMs - Date.now())));
try {
  if (mode === 'migrate') {
    console.log(JSON.stringify(await migrate(pool, { schema: input.schema })));
  } else if (mode === 'claim') {
    const store = new PostgresDedupeStore({ pool, schema: input.schema });
    const results = await Promise.all(
      Array.from({ length: input.count ?? 0 }, () => store.claim(input.key ?? '', { leaseMs: 60_000 })),
    );
    const counts: Record<string, number> = {};
    for (const result of results) counts[result] = (counts[result] ?? 0) + 1;
    console.log(JSON.stringify(counts));
  } else {
    throw new Error(`unknown mode ${String(mode)}`);
  }
} finally {
  await pool.close();
}
