import { randomBytes } from 'node:crypto';
import { BotkeelError, MemoryCheckpointStore, MemoryDedupeStore } from '@botkeel/core';
import { createManualClock } from '@botkeel/core/testing';
import { PostgresCheckpointStore, PostgresDedupeStore } from '@botkeel/store-postgres';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestSchema, type TestSchema } from './support/test-database.js';

let database: TestSchema;
beforeAll(async () => {
  database = await createTestSchema('model');
});
afterAll(async () => {
  await database.dispose();
});

const settle = <T>(promise: Promise<T>): Promise<T | string> =>
  promise.catch((error: unknown) => (BotkeelError.isInstance(error) ? error.code : 'unexpected'));

type DedupeCommand =
  | { kind: 'claim'; key: number; leaseMs: number }
  | { kind: 'complete'; key: number; ttlMs: number }
  | { kind: 'release'; key: number }
  | { kind: 'advance'; ms: number };

const dedupeCommand: fc.Arbitrary<DedupeCommand> = fc.oneof(
  fc.record({
    kind: fc.constant('claim' as const),
    key: fc.nat(2),
    leaseMs: fc.integer({ min: 1, max: 50 }),
  }),
  fc.record({
    kind: fc.constant('complete' as const),
    key: fc.nat(2),
    ttlMs: fc.integer({ min: 1, max: 50 }),
  }),
  fc.record({ kind: fc.constant('release' as const), key: fc.nat(2) }),
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 40 }) }),
);

describe('Postgres stores behave like the memory model (fast-check)', () => {
  it('PostgresDedupeStore answers every sequence of claim/complete/release/time like MemoryDedupeStore', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(dedupeCommand, { minLength: 1, maxLength: 25 }), async (commands) => {
        const clock = createManualClock(1_700_000_000_000);
        const model = new MemoryDedupeStore({ clock });
        const store = new PostgresDedupeStore({ pool: database.pool, schema: database.schema, clock });
        const run = randomBytes(6).toString('hex');
        for (const command of commands) {
          if (command.kind === 'advance') {
            clock.advance(command.ms);
            continue;
          }
          const key = `${run}:${command.key}`;
          const [expected, actual] =
            command.kind === 'claim'
              ? [
                  await settle(model.claim(key, { leaseMs: command.leaseMs })),
                  await settle(store.claim(key, { leaseMs: command.leaseMs })),
                ]
              : command.kind === 'complete'
                ? [
                    await settle(model.complete(key, { ttlMs: command.ttlMs })),
                    await settle(store.complete(key, { ttlMs: command.ttlMs })),
                  ]
                : [await settle(model.release(key)), await settle(store.release(key))];
          expect({ command, result: actual }).toEqual({ command, result: expected });
        }
      }),
      { numRuns: 40 },
    );
  });

  it('PostgresDedupeStore answers claims batched in one turn like MemoryDedupeStore answers them one by one', async () => {
    type Command =
      | { kind: 'claims'; claims: { key: number; leaseMs: number }[] }
      | Exclude<DedupeCommand, { kind: 'claim' }>;
    const command: fc.Arbitrary<Command> = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record({
          kind: fc.constant('claims' as const),
          claims: fc.array(fc.record({ key: fc.nat(3), leaseMs: fc.integer({ min: 1, max: 50 }) }), {
            minLength: 1,
            maxLength: 8,
          }),
        }),
      },
      {
        weight: 2,
        arbitrary: dedupeCommand.filter(
          (each): each is Exclude<DedupeCommand, { kind: 'claim' }> => each.kind !== 'claim',
        ),
      },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 20 }), async (commands) => {
        const clock = createManualClock(1_700_000_000_000);
        const model = new MemoryDedupeStore({ clock });
        const store = new PostgresDedupeStore({ pool: database.pool, schema: database.schema, clock });
        const run = randomBytes(6).toString('hex');
        for (const each of commands) {
          if (each.kind === 'advance') {
            clock.advance(each.ms);
            continue;
          }
          if (each.kind === 'claims') {
            const expected: unknown[] = [];
            for (const claim of each.claims) {
              expected.push(await settle(model.claim(`${run}:${claim.key}`, { leaseMs: claim.leaseMs })));
            }
            // All in one turn: one batch (one statement when the keys differ).
            const actual = await Promise.all(
              each.claims.map((claim) =>
                settle(store.claim(`${run}:${claim.key}`, { leaseMs: claim.leaseMs })),
              ),
            );
            expect({ command: each, results: actual }).toEqual({ command: each, results: expected });
            continue;
          }
          const key = `${run}:${each.key}`;
          const [expected, actual] =
            each.kind === 'complete'
              ? [
                  await settle(model.complete(key, { ttlMs: each.ttlMs })),
                  await settle(store.complete(key, { ttlMs: each.ttlMs })),
                ]
              : [await settle(model.release(key)), await settle(store.release(key))];
          expect({ command: each, result: actual }).toEqual({ command: each, result: expected });
        }
      }),
      { numRuns: 60 },
    );
  });

  it('PostgresCheckpointStore answers every sequence of saves, loads and histories like MemoryCheckpointStore', async () => {
    type Command =
      | { kind: 'save'; thread: number; expectedDelta: number; historyLimit: number | undefined }
      | { kind: 'history'; thread: number; limit: number };
    const command: fc.Arbitrary<Command> = fc.oneof(
      fc.record({
        kind: fc.constant('save' as const),
        thread: fc.nat(1),
        expectedDelta: fc.integer({ min: -2, max: 1 }),
        historyLimit: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      }),
      fc.record({
        kind: fc.constant('history' as const),
        thread: fc.nat(1),
        limit: fc.integer({ min: 0, max: 6 }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (commands) => {
        const model = new MemoryCheckpointStore({ historyLimit: 3 });
        const store = new PostgresCheckpointStore({
          pool: database.pool,
          schema: database.schema,
          historyLimit: 3,
        });
        const run = randomBytes(6).toString('hex');
        for (const [step, each] of commands.entries()) {
          const threadId = `${run}:${each.thread}`;
          if (each.kind === 'history') {
            expect(await store.history(threadId, each.limit)).toEqual(
              await model.history(threadId, each.limit),
            );
            continue;
          }
          const current = (await model.load(threadId))?.version ?? 0;
          const options = {
            expectedVersion: Math.max(0, current + each.expectedDelta),
            machineVersion: 1,
            nowMs: step,
            ...(each.historyLimit === undefined ? {} : { historyLimit: each.historyLimit }),
          };
          const expected = await settle(model.save(threadId, { step }, options));
          const actual = await settle(store.save(threadId, { step }, options));
          expect(actual).toEqual(expected);
          expect(await store.load(threadId)).toEqual(await model.load(threadId));
        }
      }),
      { numRuns: 40 },
    );
  });
});
