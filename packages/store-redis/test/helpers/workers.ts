import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type WorkerCommand, type WorkerReply } from './worker.js';

const workerPath = fileURLToPath(new URL('./worker.ts', import.meta.url));
const tsconfigPath = fileURLToPath(new URL('../../../../tsconfig.json', import.meta.url));

/** One forked bot instance: send commands, wait for replies of a type, or SIGKILL it. */
export interface WorkerHandle {
  readonly process: ChildProcess;
  send(command: WorkerCommand): void;
  next<Type extends WorkerReply['type']>(type: Type): Promise<Extract<WorkerReply, { type: Type }>>;
  onReply(listener: (reply: WorkerReply) => void): void;
  kill(): Promise<void>;
}

/** Forks `count` workers (tsx, the repo's path aliases) and waits until each is connected. */
export async function forkWorkers(count: number): Promise<WorkerHandle[]> {
  return await Promise.all(Array.from({ length: count }, () => forkWorker()));
}

async function forkWorker(): Promise<WorkerHandle> {
  const child = fork(workerPath, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, TSX_TSCONFIG_PATH: tsconfigPath },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const listeners = new Set<(reply: WorkerReply) => void>();
  child.on('message', (reply: WorkerReply) => {
    for (const listener of listeners) listener(reply);
  });
  const handle: WorkerHandle = {
    process: child,
    send: (command) => {
      child.send(command);
    },
    next: (type) =>
      new Promise((resolve, reject) => {
        const onExit = () => reject(new Error(`worker exited before replying ${type}`));
        const listener = (reply: WorkerReply) => {
          if (reply.type !== type) return;
          listeners.delete(listener);
          child.off('exit', onExit);
          resolve(reply as Extract<WorkerReply, { type: typeof type }>);
        };
        listeners.add(listener);
        child.once('exit', onExit);
      }),
    onReply: (listener) => listeners.add(listener),
    kill: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
  };
  await handle.next('ready');
  return handle;
}
