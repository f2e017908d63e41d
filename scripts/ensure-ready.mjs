#!/usr/bin/env node
// Makes a fresh clone runnable with one command: installs dependencies when they are missing and,
// with --build, builds the packages when a build is missing or older than its sources.
// Uses only Node's standard library, because it runs before anything is installed.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const shouldBuild = process.argv.includes('--build');
const buildable = [
  'packages/core',
  'packages/store-redis',
  'packages/store-postgres',
  'packages/adapter-telegram',
  'examples/sales-bot',
];

function run(command, args) {
  console.log(`> ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function newestMtimeMs(path) {
  if (!existsSync(path)) return 0;
  const stats = statSync(path);
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  return newest;
}

if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) {
  run('npm', ['ci', '--no-audit', '--no-fund']);
}

if (shouldBuild) {
  const stale = buildable.filter((workspace) => {
    const built = newestMtimeMs(join(root, workspace, 'dist'));
    return built === 0 || newestMtimeMs(join(root, workspace, 'src')) > built;
  });
  if (stale.length > 0) run('npm', ['run', 'build', '--workspaces', '--if-present']);
}
