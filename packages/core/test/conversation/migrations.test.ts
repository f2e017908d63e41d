import {
  BotkeelError,
  MemoryCheckpointStore,
  createConversation,
  createManualClock,
  withEscalation,
} from '@botkeel/core';
import { assign, setup } from 'xstate';
import { describe, expect, it } from 'vitest';

/** Version 1: a lead with a name, in state `asking`. */
const machineV1 = withEscalation(
  setup({ types: { context: {} as { name: string } } }).createMachine({
    id: 'lead',
    initial: 'asking',
    context: { name: '' },
    states: {
      asking: { on: { NAME: { target: 'named', actions: assign({ name: 'Ann' }) } } },
      named: { on: { NEXT: 'asking' } },
      handoff: {},
    },
  }),
  { handoffState: 'handoff' },
);

/** Version 3: `asking` became `askingName`, and the context gained `budget` (v2) and `source` (v3). */
const machineV3 = withEscalation(
  setup({ types: { context: {} as { name: string; budget: number | null; source: string } } }).createMachine({
    id: 'lead',
    initial: 'askingName',
    context: { name: '', budget: null, source: 'unknown' },
    states: {
      askingName: { on: { NAME: { target: 'named', actions: assign({ name: 'Ann' }) } } },
      named: { on: { BUDGET: { target: 'named', actions: assign({ budget: 100 }) }, NEXT: 'askingName' } },
      handoff: {},
    },
  }),
  { handoffState: 'handoff' },
);

type PersistedLead = { value: string; context: Record<string, unknown> } & Record<string, unknown>;
const renameAsking = (snapshot: unknown): unknown => {
  const lead = snapshot as PersistedLead;
  return {
    ...lead,
    value: lead.value === 'asking' ? 'askingName' : lead.value,
    context: { ...lead.context, budget: null },
  };
};
const addSource = (snapshot: unknown): unknown => {
  const lead = snapshot as PersistedLead;
  return { ...lead, context: { ...lead.context, source: 'migrated' } };
};

async function savedByV1(
  checkpoints: MemoryCheckpointStore,
  threadId: string,
  events: Array<{ type: 'NAME' } | { type: 'NEXT' }>,
) {
  const v1 = createConversation({ machine: machineV1, checkpoints, clock: createManualClock(0) });
  return v1.turn(threadId, events);
}

const outcome = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe('conversation snapshot migrations', () => {
  it('brings a version 1 snapshot to version 3 through every step in order, then saves it as version 3', async () => {
    const checkpoints = new MemoryCheckpointStore();
    await savedByV1(checkpoints, 'chat:1', [{ type: 'NAME' }]);
    const applied: number[] = [];
    const v3 = createConversation({
      machine: machineV3,
      checkpoints,
      clock: createManualClock(0),
      machineVersion: 3,
      migrations: {
        3: (snapshot) => (applied.push(3), addSource(snapshot)),
        2: (snapshot) => (applied.push(2), renameAsking(snapshot)),
      },
    });
    const result = await v3.turn('chat:1', [{ type: 'BUDGET' }]);
    expect(applied).toEqual([2, 3]);
    expect(result.state).toBe('named');
    expect(result.context).toEqual({ name: 'Ann', budget: 100, source: 'migrated' });
    expect(result.machineVersion).toBe(3);
    expect(await checkpoints.load('chat:1')).toMatchObject({ version: 2, machineVersion: 3 });
  });

  it('migrates a renamed state so the restored machine is in the new state', async () => {
    const checkpoints = new MemoryCheckpointStore();
    await savedByV1(checkpoints, 'chat:1', []);
    const v3 = createConversation({
      machine: machineV3,
      checkpoints,
      clock: createManualClock(0),
      machineVersion: 3,
      migrations: { 2: renameAsking, 3: addSource },
    });
    const result = await v3.turn('chat:1', [{ type: 'NAME' }]);
    expect(result.state).toBe('named');
  });

  it('refuses a snapshot from a newer machine version with UNKNOWN_MACHINE_VERSION and leaves it as stored', async () => {
    const checkpoints = new MemoryCheckpointStore();
    await checkpoints.save(
      'chat:1',
      { status: 'active', value: 'named', context: { name: 'Ann' }, children: {}, historyValue: {} },
      {
        expectedVersion: 0,
        machineVersion: 5,
        nowMs: 0,
      },
    );
    const v1 = createConversation({ machine: machineV1, checkpoints, clock: createManualClock(0) });
    const error = await outcome(v1.turn('chat:1', [{ type: 'NEXT' }]));
    expect(BotkeelError.hasCode(error, 'UNKNOWN_MACHINE_VERSION')).toBe(true);
    expect((error as BotkeelError).retryable).toBe(false);
    expect(await checkpoints.load('chat:1')).toMatchObject({ version: 1, machineVersion: 5 });
  });

  it('refuses an older snapshot with no migration step to the current version', async () => {
    const checkpoints = new MemoryCheckpointStore();
    await savedByV1(checkpoints, 'chat:1', []);
    const v3 = createConversation({
      machine: machineV3,
      checkpoints,
      clock: createManualClock(0),
      machineVersion: 3,
      migrations: { 3: addSource },
    });
    const error = await outcome(v3.turn('chat:1', []));
    expect(BotkeelError.hasCode(error, 'UNKNOWN_MACHINE_VERSION')).toBe(true);
    expect((error as Error).message).toMatch(/no migration to version 2/);
    expect(await checkpoints.load('chat:1')).toMatchObject({ version: 1, machineVersion: 1 });
  });

  it('reports a migration that throws as MIGRATION_FAILED and saves nothing', async () => {
    const checkpoints = new MemoryCheckpointStore();
    await savedByV1(checkpoints, 'chat:1', []);
    const v3 = createConversation({
      machine: machineV3,
      checkpoints,
      clock: createManualClock(0),
      machineVersion: 3,
      migrations: {
        2: renameAsking,
        3: () => {
          throw new Error('bad migration');
        },
      },
    });
    const error = await outcome(v3.turn('chat:1', []));
    expect(BotkeelError.hasCode(error, 'MIGRATION_FAILED')).toBe(true);
    expect(((error as Error).cause as Error).message).toBe('bad migration');
    expect(await checkpoints.load('chat:1')).toMatchObject({ version: 1, machineVersion: 1 });
  });

  it('refuses a snapshot that does not fit the machine (a state renamed without a version bump) instead of resetting or crashing', async () => {
    const checkpoints = new MemoryCheckpointStore();
    await savedByV1(checkpoints, 'chat:1', []);
    const unbumped = createConversation({ machine: machineV3, checkpoints, clock: createManualClock(0) });
    const error = await outcome(unbumped.turn('chat:1', [{ type: 'NAME' }]));
    expect(BotkeelError.hasCode(error, 'UNKNOWN_MACHINE_VERSION')).toBe(true);
    expect((error as Error).message).toMatch(/does not fit machine version 1; add a migration/);
    const stored = await checkpoints.load('chat:1');
    expect(stored).toMatchObject({ version: 1, machineVersion: 1 });
    expect((stored?.snapshot as PersistedLead).value).toBe('asking');
  });

  it('refuses a stored snapshot that is not a snapshot at all', async () => {
    const checkpoints = new MemoryCheckpointStore();
    await checkpoints.save('chat:1', 'garbage', { expectedVersion: 0, machineVersion: 1, nowMs: 0 });
    const v1 = createConversation({ machine: machineV1, checkpoints, clock: createManualClock(0) });
    expect(BotkeelError.hasCode(await outcome(v1.turn('chat:1', [])), 'UNKNOWN_MACHINE_VERSION')).toBe(true);
  });
});
