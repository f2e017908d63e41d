import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { freePort } from './redis.js';

/** A redis-server this test started on its own loopback port; the shared 6379 is never touched. */
export interface OwnRedisServer {
  readonly port: number;
  /** Starts (again) on the same port and waits until it answers PING. */
  start(): Promise<void>;
  /** SIGKILL: the server vanishes, connections reset. */
  kill(): Promise<void>;
  /** SIGSTOP: the server stalls; connections stay open but nothing is answered. */
  pause(): void;
  /** SIGCONT after {@link OwnRedisServer.pause}. */
  resume(): void;
  /** Kills the process if it runs. */
  stop(): Promise<void>;
}

/** Spawns `redis-server --port N --save "" --appendonly no` on a free port. */
export async function startOwnRedisServer(extraArgs: readonly string[] = []): Promise<OwnRedisServer> {
  const port = await freePort();
  let child: ChildProcess | undefined;

  const waitUntilUp = async (): Promise<void> => {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const probe = new Redis({
        host: '127.0.0.1',
        port,
        lazyConnect: true,
        retryStrategy: () => null,
        maxRetriesPerRequest: 0,
      });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        if ((await probe.ping()) === 'PONG') return;
      } catch {
        // not up yet
      } finally {
        probe.disconnect();
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`redis-server on port ${port} did not come up`);
  };

  const kill = async (): Promise<void> => {
    const running = child;
    child = undefined;
    if (running === undefined || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill('SIGCONT');
    running.kill('SIGKILL');
    await exited;
  };

  const server: OwnRedisServer = {
    port,
    start: async () => {
      if (child !== undefined) return;
      child = spawn(
        'redis-server',
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--save',
          '',
          '--appendonly',
          'no',
          '--daemonize',
          'no',
          ...extraArgs,
        ],
        { stdio: 'ignore' },
      );
      await waitUntilUp();
    },
    kill,
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    stop: kill,
  };
  await server.start();
  return server;
}
