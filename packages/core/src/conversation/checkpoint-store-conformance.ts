import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BotkeelError } from '../errors/botkeel-error.js';
import { type Checkpoint, type CheckpointStore } from './checkpoint-store.js';

/** What {@link checkpointStoreConformance} hands to the store factory for each test. */
export interface CheckpointStoreFactoryContext {
  /** The per-thread history limit the store must be configured with (versions kept when a save names none). */
  historyLimit: number;
}

/** Builds a fresh {@link CheckpointStore} for one test; it may share a client and schema with other tests. */
export type CheckpointStoreFactory = (
  context: CheckpointStoreFactoryContext,
) => CheckpointStore | Promise<CheckpointStore>;

/**
 * Options of {@link checkpointStoreConformance}. Checkpoint stores keep no time of their own (the
 * caller passes `nowMs`), so the suite needs no clock and runs the same against every backend.
 */
export interface CheckpointStoreConformanceOptions {
  /** Names the store in the `describe` title. */
  name?: string;
  /** How many concurrent saves race for one version. Default 50. */
  racers?: number;
  /**
   * Builds a store whose backend cannot be reached. When given, the suite checks that `load` and
   * `save` reject with `STORE_UNAVAILABLE`.
   */
  makeUnavailableStore?: () => CheckpointStore | Promise<CheckpointStore>;
}

const configuredHistoryLimit = 3;
const uniqueThread = (label: string): string => `conformance:${label}:${randomUUID()}`;

function outcome(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
}

function present(checkpoint: Checkpoint | undefined): Checkpoint {
  if (checkpoint === undefined) throw new Error('expected a checkpoint');
  return checkpoint;
}

/**
 * The suite every {@link CheckpointStore} runs (memory here; Redis and Postgres in their packages).
 * Call it at the top level of a vitest file; it registers one `describe` block. Every test uses fresh
 * random thread ids, so a shared server, prefix or schema is fine. The factory must configure the
 * store with `context.historyLimit` versions per thread.
 *
 * It checks: an unknown thread loads `undefined` and has no history; saves number versions 1, 2, …
 * and keep `machineVersion`, `savedAtMs` and the snapshot as JSON; a stale or too-new
 * `expectedVersion` rejects with `VERSION_CONFLICT` and changes nothing; of 50 concurrent saves with
 * the same expected version exactly one wins (also for the first save of a thread); history is newest
 * first and pruned on save to the configured limit or to a save's own `historyLimit`; stored snapshots
 * cannot be changed through the objects passed in or handed out; threads are independent; an
 * unreachable backend rejects with `STORE_UNAVAILABLE`.
 *
 * @param makeStore - builds a store for one test with `context.historyLimit` versions kept per thread
 * @example
 * ```ts
 * import { checkpointStoreConformance } from '@botkeel/core/testing';
 * checkpointStoreConformance(({ historyLimit }) => new MemoryCheckpointStore({ historyLimit }), {
 *   name: 'MemoryCheckpointStore',
 * });
 * ```
 */
export function checkpointStoreConformance(
  makeStore: CheckpointStoreFactory,
  options: CheckpointStoreConformanceOptions = {},
): void {
  const racers = options.racers ?? 50;
  const setup = async (): Promise<CheckpointStore> => makeStore({ historyLimit: configuredHistoryLimit });

  describe(`CheckpointStore conformance${options.name === undefined ? '' : `: ${options.name}`}`, () => {
    it('loads undefined and an empty history for a thread never saved', async () => {
      const store = await setup();
      const threadId = uniqueThread('unknown');
      expect(await store.load(threadId)).toBeUndefined();
      expect(await store.history(threadId, 10)).toEqual([]);
    });

    it('numbers versions from 1 and keeps machine version, save time and the snapshot', async () => {
      const store = await setup();
      const threadId = uniqueThread('versions');
      const first = { value: 'STATE_0_INIT', context: { items: [1, 2], note: 'привет 🙂', empty: null } };
      const saved = await store.save(threadId, first, {
        expectedVersion: 0,
        machineVersion: 3,
        nowMs: 1_000,
      });
      expect(saved).toEqual({ threadId, version: 1, machineVersion: 3, snapshot: first, savedAtMs: 1_000 });
      expect(await store.load(threadId)).toEqual(saved);

      const second = { value: { STATE_2_QUALIFY: 'asking' }, context: { nested: { deep: [true, false] } } };
      const next = await store.save(threadId, second, {
        expectedVersion: 1,
        machineVersion: 4,
        nowMs: 2_000,
      });
      expect(next).toEqual({ threadId, version: 2, machineVersion: 4, snapshot: second, savedAtMs: 2_000 });
      expect(await store.load(threadId)).toEqual(next);
    });

    it('rejects a stale or too-new expected version with VERSION_CONFLICT and keeps the stored checkpoint', async () => {
      const store = await setup();
      const threadId = uniqueThread('conflict');
      await store.save(threadId, { step: 1 }, { expectedVersion: 0, machineVersion: 1, nowMs: 1 });
      const current = await store.save(
        threadId,
        { step: 2 },
        { expectedVersion: 1, machineVersion: 1, nowMs: 2 },
      );
      for (const expectedVersion of [0, 1, 3, 7]) {
        const error = await outcome(
          store.save(threadId, { step: 'lost' }, { expectedVersion, machineVersion: 1, nowMs: 3 }),
        );
        expect(BotkeelError.hasCode(error, 'VERSION_CONFLICT')).toBe(true);
      }
      expect(await store.load(threadId)).toEqual(current);
    });

    it('rejects a first save that expects an existing version', async () => {
      const store = await setup();
      const threadId = uniqueThread('conflict-new');
      const error = await outcome(
        store.save(threadId, { step: 1 }, { expectedVersion: 1, machineVersion: 1, nowMs: 1 }),
      );
      expect(BotkeelError.hasCode(error, 'VERSION_CONFLICT')).toBe(true);
      expect(await store.load(threadId)).toBeUndefined();
    });

    for (const existingVersions of [0, 1]) {
      it(`lets exactly one of ${racers} concurrent saves expecting version ${existingVersions} win`, async () => {
        const store = await setup();
        const threadId = uniqueThread('race');
        for (let version = 1; version <= existingVersions; version += 1) {
          await store.save(
            threadId,
            { racer: -1 },
            { expectedVersion: version - 1, machineVersion: 1, nowMs: version },
          );
        }
        const results = await Promise.allSettled(
          Array.from({ length: racers }, (_, racer) =>
            store.save(
              threadId,
              { racer },
              { expectedVersion: existingVersions, machineVersion: 1, nowMs: 100 },
            ),
          ),
        );
        const winners = results.filter((result) => result.status === 'fulfilled');
        const losers = results.filter((result) => result.status === 'rejected');
        expect(winners).toHaveLength(1);
        expect(losers.every((loser) => BotkeelError.hasCode(loser.reason, 'VERSION_CONFLICT'))).toBe(true);
        const winner = winners[0]?.value;
        expect(winner?.version).toBe(existingVersions + 1);
        const loaded = present(await store.load(threadId));
        expect(loaded.version).toBe(existingVersions + 1);
        expect(loaded.snapshot).toEqual(winner?.snapshot);
      });
    }

    it(`keeps the last ${configuredHistoryLimit} versions (the configured limit), newest first`, async () => {
      const store = await setup();
      const threadId = uniqueThread('history');
      for (let version = 1; version <= configuredHistoryLimit + 3; version += 1) {
        await store.save(
          threadId,
          { version },
          { expectedVersion: version - 1, machineVersion: 1, nowMs: version },
        );
      }
      const newest = configuredHistoryLimit + 3;
      const history = await store.history(threadId, 100);
      expect(history.map((checkpoint) => checkpoint.version)).toEqual(
        Array.from({ length: configuredHistoryLimit }, (_, index) => newest - index),
      );
      expect(history.map((checkpoint) => checkpoint.snapshot)).toEqual(
        Array.from({ length: configuredHistoryLimit }, (_, index) => ({ version: newest - index })),
      );
      expect((await store.history(threadId, 2)).map((checkpoint) => checkpoint.version)).toEqual([
        newest,
        newest - 1,
      ]);
      expect(present(await store.load(threadId)).version).toBe(newest);
    });

    it("prunes to a save's own historyLimit", async () => {
      const store = await setup();
      const threadId = uniqueThread('history-limit');
      for (let version = 1; version <= 3; version += 1) {
        await store.save(
          threadId,
          { version },
          { expectedVersion: version - 1, machineVersion: 1, nowMs: version },
        );
      }
      await store.save(
        threadId,
        { version: 4 },
        { expectedVersion: 3, machineVersion: 1, nowMs: 4, historyLimit: 1 },
      );
      expect((await store.history(threadId, 100)).map((checkpoint) => checkpoint.version)).toEqual([4]);
      await store.save(
        threadId,
        { version: 5 },
        { expectedVersion: 4, machineVersion: 1, nowMs: 5, historyLimit: 2 },
      );
      expect((await store.history(threadId, 100)).map((checkpoint) => checkpoint.version)).toEqual([5, 4]);
    });

    it('cannot be changed through the snapshot objects passed in or handed out', async () => {
      const store = await setup();
      const threadId = uniqueThread('detached');
      const snapshot = { context: { items: ['a'] } };
      await store.save(threadId, snapshot, { expectedVersion: 0, machineVersion: 1, nowMs: 1 });
      snapshot.context.items.push('changed after save');
      const loaded = present(await store.load(threadId));
      expect(loaded.snapshot).toEqual({ context: { items: ['a'] } });
      (loaded.snapshot as { context: { items: string[] } }).context.items.push('changed after load');
      expect(present(await store.load(threadId)).snapshot).toEqual({ context: { items: ['a'] } });
    });

    it('keeps threads independent, including ids with colons, braces and non-ASCII text', async () => {
      const store = await setup();
      const base = uniqueThread('threads');
      const threads = [`${base}:a`, `${base}:{b}`, `${base}:чат-🙂`];
      for (const [index, threadId] of threads.entries()) {
        await store.save(threadId, { index }, { expectedVersion: 0, machineVersion: 1, nowMs: index });
      }
      await store.save(
        threads[0] ?? '',
        { index: 'again' },
        { expectedVersion: 1, machineVersion: 1, nowMs: 9 },
      );
      expect(present(await store.load(threads[0] ?? '')).version).toBe(2);
      expect(present(await store.load(threads[1] ?? ''))).toMatchObject({
        version: 1,
        snapshot: { index: 1 },
      });
      expect(present(await store.load(threads[2] ?? ''))).toMatchObject({
        version: 1,
        snapshot: { index: 2 },
      });
    });

    const makeUnavailableStore = options.makeUnavailableStore;
    it.skipIf(makeUnavailableStore === undefined)(
      'rejects with STORE_UNAVAILABLE when the backend cannot be reached (skipped: no makeUnavailableStore given)',
      async () => {
        if (makeUnavailableStore === undefined) throw new Error('unreachable: the test is skipped');
        const store = await makeUnavailableStore();
        const threadId = uniqueThread('down');
        expect(BotkeelError.hasCode(await outcome(store.load(threadId)), 'STORE_UNAVAILABLE')).toBe(true);
        const saving = store.save(threadId, { step: 1 }, { expectedVersion: 0, machineVersion: 1, nowMs: 1 });
        expect(BotkeelError.hasCode(await outcome(saving), 'STORE_UNAVAILABLE')).toBe(true);
      },
    );
  });
}
