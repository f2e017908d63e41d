import { BotkeelError } from '@botkeel/core';
import {
  createPool,
  migrate,
  PostgresCheckpointStore,
  PostgresDedupeStore,
  type PostgresPool,
} from '@botkeel/store-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  clusterBinaries,
  createThrowawayCluster,
  type ThrowawayCluster,
} from './support/throwaway-cluster.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
let cluster: ThrowawayCluster | undefined;
let pool: PostgresPool;

describe.skipIf(clusterBinaries === undefined)(
  'a Postgres restart mid-run (own throwaway cluster; skipped when initdb/pg_ctl are missing)',
  () => {
    beforeAll(async () => {
      cluster = await createThrowawayCluster();
      pool = await createPool({ connectionString: cluster.url, max: 5, connectionTimeoutMs: 2_000 });
      await migrate(pool, { schema: 'botkeel' });
    }, 60_000);
    afterAll(async () => {
      await pool?.close();
      await cluster?.destroy();
    });

    it('fails in-flight calls with STORE_UNAVAILABLE, recovers by itself and loses no acknowledged checkpoint', async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      process.on('uncaughtException', onUnhandled);
      const checkpoints = new PostgresCheckpointStore({ pool, schema: 'botkeel', historyLimit: 3 });
      const dedupe = new PostgresDedupeStore({ pool, schema: 'botkeel' });
      const acknowledged = new Map<string, number>();
      const failures: unknown[] = [];
      const regressions: string[] = [];
      let phase: 'before' | 'restarting' | 'after' = 'before';
      const savesAfterRestart = new Map<string, number>();

      const worker = async (threadId: string) => {
        while (phase !== 'after' || (savesAfterRestart.get(threadId) ?? 0) < 5) {
          try {
            const current = await checkpoints.load(threadId);
            const version = current?.version ?? 0;
            if (version < (acknowledged.get(threadId) ?? 0)) regressions.push(`${threadId}@${version}`);
            const saved = await checkpoints.save(
              threadId,
              { step: version + 1 },
              { expectedVersion: version, machineVersion: 1, nowMs: Date.now() },
            );
            acknowledged.set(threadId, saved.version);
            await dedupe.claim(`${threadId}:${saved.version}`, { leaseMs: 60_000 });
            if (phase === 'after')
              savesAfterRestart.set(threadId, (savesAfterRestart.get(threadId) ?? 0) + 1);
          } catch (error) {
            failures.push(error);
            await sleep(20);
          }
        }
      };

      const threads = Array.from({ length: 6 }, (_, index) => `restart:${index}`);
      const workers = Promise.all(threads.map(worker));
      await sleep(300);
      phase = 'restarting';
      await cluster?.stop('immediate');
      await sleep(300);
      await cluster?.start();
      phase = 'after';
      await workers;
      process.off('unhandledRejection', onUnhandled);
      process.off('uncaughtException', onUnhandled);

      expect(failures.length).toBeGreaterThan(0);
      const codes = new Set(
        failures.map((error) => (BotkeelError.isInstance(error) ? error.code : String(error))),
      );
      expect(codes).toEqual(new Set(['STORE_UNAVAILABLE']));
      // No load ever saw a version older than one already acknowledged (a save whose connection
      // dropped after COMMIT may land unacknowledged; the next load then sees it and moves on).
      expect(regressions).toEqual([]);
      for (const threadId of threads) {
        const stored = await checkpoints.load(threadId);
        // Every worker stopped right after an acknowledged save.
        expect(stored?.version).toBe(acknowledged.get(threadId));
        expect(stored?.snapshot).toEqual({ step: acknowledged.get(threadId) });
      }
      expect(unhandled).toEqual([]);
    }, 60_000);

    it('fails with STORE_UNAVAILABLE while the server is down and serves again once it is back', async () => {
      const dedupe = new PostgresDedupeStore({ pool, schema: 'botkeel' });
      await cluster?.stop('fast');
      const error: unknown = await dedupe
        .claim('down:1', { leaseMs: 1_000 })
        .catch((reason: unknown) => reason);
      expect(BotkeelError.hasCode(error, 'STORE_UNAVAILABLE')).toBe(true);
      await cluster?.start();
      expect(await dedupe.claim('down:1', { leaseMs: 1_000 })).toBe('claimed');
    }, 60_000);
  },
);
