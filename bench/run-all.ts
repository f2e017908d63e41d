/**
 * Runs every `*.bench.ts` in this folder, one at a time in its own process, so one benchmark's heap
 * and event loop never skew another's. Pass names to run a subset: `npm run bench -- ratelimit`.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = readdirSync(here)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n## ${file}\n`);
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', file], {
    cwd: here,
    stdio: 'inherit',
    env: { ...process.env, TSX_TSCONFIG_PATH: '../tsconfig.json' },
  });
  if (result.status !== 0) failed += 1;
}
if (failed > 0) {
  console.error(`${failed} benchmark(s) failed`);
  process.exitCode = 1;
}
