import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const childScript = fileURLToPath(new URL('./child.ts', import.meta.url));
const tsconfig = fileURLToPath(new URL('../../../../tsconfig.json', import.meta.url));

/** Runs one child process of `child.ts` per input, all at once; resolves their parsed stdout. */
export async function runChildren<T>(mode: string, inputs: readonly object[]): Promise<T[]> {
  const runs = inputs.map(
    (input) =>
      new Promise<T>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', childScript, mode, JSON.stringify(input)], {
          env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
        child.once('error', reject);
        child.once('exit', (code) => {
          clearTimeout(timer);
          if (code === 0) resolve(JSON.parse(stdout.trim()) as T);
          else reject(new Error(`child ${mode} exited with ${String(code)}: ${stderr}`));
        });
      }),
  );
  return Promise.all(runs);
}
