import {
  type Actor,
  type AnyActorRef,
  type AnyStateMachine,
  type Snapshot,
  type StateValue,
  createActor,
} from 'xstate';
import { type Clock } from '../clock/clock.js';
import { BotkeelError } from '../errors/botkeel-error.js';
import { type Checkpoint } from './checkpoint-store.js';
import { migrateSnapshot, type SnapshotMigrations } from './migrations.js';
import { withoutTurnRecords } from './turn-records.js';

/** The parts of an xstate machine snapshot the engine reads. */
export interface MachineSnapshot {
  readonly status: string;
  readonly value: StateValue;
  readonly context: unknown;
  readonly error?: unknown;
}

/** The current snapshot of `actor`, typed for the engine. */
export function snapshotOf(actor: AnyActorRef): MachineSnapshot {
  return actor.getSnapshot() as MachineSnapshot;
}

/** What {@link restoreActor} and {@link restorableSnapshot} need besides the checkpoint. */
export interface RestoreContext<TMachine extends AnyStateMachine> {
  readonly machine: TMachine;
  readonly clock: Clock;
  readonly machineVersion: number;
  readonly migrations: SnapshotMigrations;
  readonly input: ((threadId: string) => unknown) | undefined;
}

/**
 * The persisted snapshot a turn starts from: the checkpoint's snapshot (without the engine's turn
 * records) migrated to the current machine version, or `undefined` for a new thread. Throws
 * `UNKNOWN_MACHINE_VERSION` / `MIGRATION_FAILED` (see {@link migrateSnapshot}).
 */
export function restorableSnapshot<TMachine extends AnyStateMachine>(
  threadId: string,
  checkpoint: Checkpoint | undefined,
  context: RestoreContext<TMachine>,
): unknown {
  if (checkpoint === undefined) return undefined;
  return migrateSnapshot(
    threadId,
    withoutTurnRecords(checkpoint.snapshot),
    checkpoint.machineVersion,
    context.machineVersion,
    context.migrations,
  );
}

/**
 * Creates the (not yet started) actor of a thread: fresh with `input` for a new thread (no
 * `checkpoint`), else from `snapshot`, the checkpoint's snapshot as {@link restorableSnapshot} made
 * it. A snapshot that does not fit the machine rejects with `UNKNOWN_MACHINE_VERSION`; it is checked
 * before `start()`, because an actor that failed to restore would otherwise report its error globally.
 */
export function restoreActor<TMachine extends AnyStateMachine>(
  threadId: string,
  checkpoint: Checkpoint | undefined,
  snapshot: unknown,
  input: unknown,
  context: RestoreContext<TMachine>,
): Actor<TMachine> {
  const { machine, clock, machineVersion } = context;
  if (checkpoint === undefined) {
    return createActor(machine, { clock, input } as never);
  }
  const notFitting = (cause: unknown): BotkeelError =>
    new BotkeelError(
      'UNKNOWN_MACHINE_VERSION',
      `Checkpoint ${checkpoint.version} of thread "${threadId}" (machine version ${checkpoint.machineVersion}) does not fit machine version ${machineVersion}; add a migration`,
      { cause, retryable: false },
    );
  let actor: Actor<TMachine>;
  try {
    actor = createActor(machine, { clock, snapshot: snapshot as Snapshot<unknown> } as never);
  } catch (error) {
    throw notFitting(error);
  }
  const restored = snapshotOf(actor);
  if (restored.status === 'error' || restored.status === 'stopped') throw notFitting(restored.error);
  return actor;
}
