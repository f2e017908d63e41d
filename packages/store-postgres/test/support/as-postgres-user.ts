import { chownSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';

/** Finds an executable on PATH or in the usual system folders; undefined when absent. */
export function findExecutable(name: string, extraFolders: readonly string[] = []): string | undefined {
  const folders = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/bin', ...extraFolders];
  return folders.map((folder) => join(folder, name)).find((path) => existsSync(path));
}

const isRoot = process.getuid?.() === 0;

/**
 * The command line that runs `executable` as the `postgres` user when we are root (initdb, pg_ctl
 * and pgbouncer refuse to run as root). `setpriv` execs in place, so the spawned pid is the server.
 */
export function asPostgresUser(executable: string, args: readonly string[]): [string, string[]] {
  if (!isRoot) return [executable, [...args]];
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', executable, ...args]];
}

/** A fresh temp folder the `postgres` user owns (when we are root). */
export function postgresOwnedTempDir(label: string): string {
  const directory = mkdtempSync(join(tmpdir(), `botkeel-${label}-`));
  if (isRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(directory, uid, gid);
  }
  return directory;
}
