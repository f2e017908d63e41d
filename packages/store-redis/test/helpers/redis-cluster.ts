import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cluster, Redis } from 'ioredis';
import { redisClientOptions } from '@botkeel/store-redis';

/** A 3-master Redis Cluster on loopback ports this test started; `stop()` kills it and its files. */
export interface OwnRedisCluster {
  readonly ports: readonly number[];
  connect(): Promise<Cluster>;
  stop(): Promise<void>;
}

const canBind = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/** A port below 55535 whose cluster bus port (port + 10000) is free too. */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await canBind(port)) && (await canBind(port + 10_000))) return port;
  }
  throw new Error('no free port pair for a cluster node');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts three `redis-server --cluster-enabled yes` and joins them with `redis-cli --cluster create`. */
export async function startOwnRedisCluster(): Promise<OwnRedisCluster> {
  const directory = mkdtempSync(join(tmpdir(), 'botkeel-redis-cluster-'));
  const taken = new Set<number>();
  const ports: number[] = [];
  for (let node = 0; node < 3; node += 1) {
    const port = await clusterPort(taken);
    taken.add(port);
    taken.add(port + 10_000);
    ports.push(port);
  }
  const children: ChildProcess[] = ports.map((port) =>
    spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(directory, `nodes-${port}.conf`),
        '--dir',
        directory,
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore' },
    ),
  );
  const stop = async (): Promise<void> => {
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }),
    );
    rmSync(directory, { recursive: true, force: true });
  };
  try {
    for (const port of ports) await waitForPing(port);
    const created = spawnSync(
      'redis-cli',
      [
        '--cluster',
        'create',
        ...ports.map((port) => `127.0.0.1:${port}`),
        '--cluster-replicas',
        '0',
        '--cluster-yes',
      ],
      { encoding: 'utf8', timeout: 30_000 },
    );
    if (created.status !== 0)
      throw new Error(`redis-cli --cluster create failed: ${created.stdout}${created.stderr}`);
    for (const port of ports) await waitForClusterOk(port);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ports,
    connect: async () => {
      const cluster = new Cluster(
        ports.map((port) => ({ host: '127.0.0.1', port })),
        { enableOfflineQueue: false, lazyConnect: true, redisOptions: redisClientOptions(2_000) },
      );
      await cluster.connect();
      return cluster;
    },
    stop,
  };
}

async function withNode<T>(port: number, use: (node: Redis) => Promise<T>): Promise<T | undefined> {
  const node = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
  });
  node.on('error', () => undefined);
  try {
    await node.connect();
    return await use(node);
  } catch {
    return undefined;
  } finally {
    node.disconnect();
  }
}

async function waitForPing(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    if ((await withNode(port, (node) => node.ping())) === 'PONG') return;
    await sleep(25);
  }
  throw new Error(`cluster node ${port} did not start`);
}

async function waitForClusterOk(port: number): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt += 1) {
    const info = await withNode(port, (node) => node.cluster('INFO'));
    if (info?.includes('cluster_state:ok') === true) return;
    await sleep(25);
  }
  throw new Error(`cluster node ${port} never reported cluster_state:ok`);
}
