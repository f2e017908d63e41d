import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { startFakeOpenAI } from '@botkeel/core/testing';
import { startTelegramSimulator } from '@botkeel/adapter-telegram/testing';
import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { productionEnv } from './helpers/production-env.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

async function until(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  return condition();
}

describe('SIGTERM with a turn in flight', () => {
  it('finishes the turn, sends the reply, closes the pools and exits 0 within 10 s', async () => {
    const namespace = `t${randomBytes(5).toString('hex')}`;
    const simulator = await startTelegramSimulator();
    // The model takes 2 s to answer, so the turn is still running when SIGTERM arrives.
    const openai = await startFakeOpenAI({ script: [{ reply: 'Радимо худі Класик.', delayMs: 2_000 }] });
    const secret = 'webhook_secret_0123456789';
    const child = spawn(process.execPath, ['--import', 'tsx', main], {
      cwd: root,
      env: {
        ...process.env,
        TSX_TSCONFIG_PATH: `${root}/tsconfig.json`,
        ...productionEnv({ simulator, openai, secret, namespace }),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      expect(await until(() => /"port":\d+/.test(output), 30_000)).toBe(true);
      const port = /"port":(\d+)/.exec(output)?.[1];
      const url = `http://127.0.0.1:${port}/telegram`;
      const chat = { id: 77, type: 'private', first_name: 'Ira' };
      const update = (id: number, text: string) => ({
        update_id: id,
        message: {
          message_id: id,
          date: 1_700_000_000,
          text,
          chat,
          from: { id: 77, is_bot: false, first_name: 'Ira' },
        },
      });
      expect(await simulator.postUpdate(url, update(1, 'Привіт'), secret)).toBe(200);
      expect(await until(() => simulator.messages('77').length === 1, 15_000)).toBe(true);
      expect(await simulator.postUpdate(url, update(2, 'Що порадите на осінь?'), secret)).toBe(200);
      expect(await until(() => openai.requests.length === 1, 15_000)).toBe(true);

      const signalledAt = Date.now();
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      const elapsedMs = Date.now() - signalledAt;

      expect(code).toBe(0);
      expect(elapsedMs).toBeLessThan(10_000);
      expect(simulator.messages('77').map((message) => message.text)).toEqual([
        expect.stringContaining('Вітаю'),
        'Радимо худі Класик.',
      ]);
      expect(output).toMatch(/"closed":\["http","postgres","redis","metrics"\]/);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await simulator.close();
      await openai.close();
      const redis = new Redis('redis://127.0.0.1:6379');
      const keys = await redis.keys(`${namespace}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      const pool = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' });
      await pool.query(`DROP SCHEMA IF EXISTS "${namespace}" CASCADE`);
      await pool.end();
    }
  }, 60_000);
});
