import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { asPostgresUser, findExecutable, postgresOwnedTempDir } from './as-postgres-user.js';
import { freePort } from './test-database.js';

const run = promisify(execFile);
const serverFolders = [
  '/usr/lib/postgresql/17/bin',
  '/usr/lib/postgresql/16/bin',
  '/usr/lib/postgresql/15/bin',
];

/** `initdb` and `pg_ctl`, or undefined when the server binaries are not installed. */
export const clusterBinaries = (() => {
  const initdb = findExecutable('initdb', serverFolders);
  const pgCtl = findExecutable('pg_ctl', serverFolders);
  return initdb === undefined || pgCtl === undefined ? undefined : { initdb, pgCtl };
})();

/** A Postgres cluster of this test's own, on a free loopback port; never the shared server. */
export interface ThrowawayCluster {
  readonly port: number;
  readonly url: string;
  /** Stops the server (`immediate`: like a crash) and leaves it down. */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  start(): Promise<void>;
  /** Stops it and deletes its folder. */
  destroy(): Promise<void>;
}

async function pgCtl(args: readonly string[]): Promise<void> {
  if (clusterBinaries === undefined) throw new Error('initdb/pg_ctl are not installed');
  const [command, commandArgs] = asPostgresUser(clusterBinaries.pgCtl, args);
  await run(command, commandArgs, { timeout: 60_000 });
}

/** Creates (initdb, trust auth, fsync off) and starts a throwaway cluster as the `postgres` user. */
export async function createThrowawayCluster(): Promise<ThrowawayCluster> {
  if (clusterBinaries === undefined) throw new Error('initdb/pg_ctl are not installed');
  const directory = postgresOwnedTempDir('cluster');
  const data = join(directory, 'data');
  const port = await freePort();
  const [initCommand, initArgs] = asPostgresUser(clusterBinaries.initdb, [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ]);
  await run(initCommand, initArgs, { timeout: 60_000 });
  const options = `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=40`;
  const start = () => pgCtl(['-D', data, '-o', options, '-l', join(directory, 'server.log'), '-w', 'start']);
  const stop = (mode: 'fast' | 'immediate' = 'fast') => pgCtl(['-D', data, '-m', mode, '-w', 'stop']);
  await start();
  let isRunning = true;
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop(mode) {
      await stop(mode);
      isRunning = false;
    },
    async start() {
      await start();
      isRunning = true;
    },
    async destroy() {
      if (isRunning) await stop('immediate').catch(() => undefined);
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
