import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { asPostgresUser, findExecutable, postgresOwnedTempDir } from './as-postgres-user.js';
import { freePort } from './test-database.js';

/** A PgBouncer this test started on a loopback port, in `pool_mode = transaction`. */
export interface PgBouncer {
  readonly port: number;
  readonly url: string;
  stop(): Promise<void>;
}

/** Where the `pgbouncer` binary is (Debian package `pgbouncer`), or undefined when not installed. */
export const pgbouncerBinary = findExecutable('pgbouncer');

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`pgbouncer exited with ${child.exitCode}: ${log()}`);
    const isOpen = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (isOpen) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`pgbouncer did not listen on ${port}: ${log()}`);
}

/**
 * Starts PgBouncer in front of the shared Postgres (127.0.0.1:5432, database `test`) on a free
 * loopback port, in transaction mode with a server pool of 4 connections. `statement_timeout` in the
 * start-up packet is ignored, as production PgBouncer setups configure it.
 */
export async function startPgBouncer(): Promise<PgBouncer> {
  if (pgbouncerBinary === undefined)
    throw new Error('pgbouncer is not installed (apt-get install -y pgbouncer)');
  const directory = postgresOwnedTempDir('pgbouncer');
  const port = await freePort();
  const config = join(directory, 'pgbouncer.ini');
  writeFileSync(
    config,
    [
      '[databases]',
      'test = host=127.0.0.1 port=5432 dbname=test user=postgres',
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      'unix_socket_dir =',
      'auth_type = any',
      'pool_mode = transaction',
      'default_pool_size = 4',
      'max_client_conn = 500',
      'ignore_startup_parameters = statement_timeout',
      `pidfile = ${join(directory, 'pgbouncer.pid')}`,
      '',
    ].join('\n'),
    { mode: 0o644 },
  );
  const [command, args] = asPostgresUser(pgbouncerBinary, [config]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitForPort(port, child, () => output);
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/test`,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGINT');
        await exited;
      }
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
