import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { until } from './until.js';

const root = fileURLToPath(new URL('../../../..', import.meta.url));
const main = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const outputLimit = 400_000;

/** One `src/main.ts` child process (run through tsx), as a deployment would start it. */
export interface BotProcess {
  readonly name: string;
  readonly url: string;
  readonly child: ChildProcess;
  /** Still running (no exit seen yet). */
  readonly isRunning: boolean;
  /** The last few hundred kB of its stdout and stderr (pino JSON lines). */
  output(): string;
  /** Sends `signal` and waits for the exit (SIGKILL when it is still alive after `timeoutMs`). */
  stop(signal: NodeJS.Signals, timeoutMs?: number): Promise<number | null>;
}

/**
 * Spawns the bot with `environment` added to this process's, and waits until it logs the port it
 * listens on (`PORT=0`: the system picks a free one per instance).
 */
export async function spawnBot(
  name: string,
  environment: Readonly<Record<string, string>>,
  startTimeoutMs = 60_000,
): Promise<BotProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', main], {
    cwd: root,
    env: { ...process.env, TSX_TSCONFIG_PATH: `${root}/tsconfig.json`, ...environment },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > outputLimit) output = output.slice(-outputLimit / 2);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const isUp = await until(() => /"port":\d+/.test(output) || child.exitCode !== null, startTimeoutMs, 100);
  const port = /"port":(\d+)/.exec(output)?.[1];
  if (!isUp || port === undefined) {
    child.kill('SIGKILL');
    throw new Error(`${name} did not start:\n${output.slice(-4_000)}`);
  }
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    child,
    get isRunning() {
      return child.exitCode === null && child.signalCode === null;
    },
    output: () => output,
    async stop(signal, timeoutMs = 15_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
