import {
  type Actor,
  type AnyActorRef,
  type AnyStateMachine,
  type ContextFrom,
  type Snapshot,
  createActor,
} from 'xstate';
import { type Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { BotkeelError } from '../errors/botkeel-error.js';
import { parseOptions } from '../errors/parse-options.js';
import { AbortedError, InvalidOptionsError } from '../errors/subclasses.js';
import { type AbortSource, abortSourceOf } from '../lock/abort-source.js';
import { botkeelMeter, noAttributes, withSpan } from '../telemetry/instruments.js';
import { MetricNames, SpanNames } from '../telemetry/names.js';
import { type Checkpoint, type SaveCheckpointOptions } from './checkpoint-store.js';
import { conversationOptionsSchema } from './conversation-options.js';
import {
  type Conversation,
  type ConversationEscalation,
  type ConversationEvent,
  type ConversationOptions,
  type ConversationReply,
  type TurnOptions,
  type TurnResult,
} from './conversation-types.js';
import { type EscalationEmitted, handoffStateOf } from './escalation.js';
import { LightTurn } from './light-turn.js';
import { type MachineSnapshot, restorableSnapshot, restoreActor, snapshotOf } from './restore-actor.js';
import { isSettled, waitUntilSettled } from './settle.js';
import { findTurnRecord, type TurnRecord, withTurnRecord } from './turn-records.js';

function throwIfAborted(abort: AbortSource | undefined): void {
  if (abort?.isAborted === true) throw new AbortedError('The turn was aborted', { cause: abort.reason });
}

/** What aborts a turn: its `abortSource`, or one over its `signal` (never both). */
function abortOf(options: TurnOptions): AbortSource | undefined {
  const { signal, abortSource } = options;
  if (abortSource === undefined) return signal === undefined ? undefined : abortSourceOf(signal);
  if (signal !== undefined)
    throw new InvalidOptionsError('Conversation: give either signal or abortSource, not both');
  return abortSource;
}

const escalationEvent = (reason: string): EscalationEmitted => ({ type: 'escalation', reason });

function isReply(event: { type: string; text?: unknown }): event is ConversationReply {
  return event.type === 'reply' && typeof event.text === 'string';
}

function isInHandoff(snapshot: MachineSnapshot, handoffState: string): boolean {
  return snapshot.value === handoffState;
}

/**
 * Creates the conversation engine: one XState v5 machine per thread, persisted as a versioned
 * checkpoint and advanced one turn at a time.
 *
 * A turn loads the thread's checkpoint, migrates it from its stored machine version (see
 * {@link SnapshotMigrations}; an unknown or newer version rejects with `UNKNOWN_MACHINE_VERSION`,
 * never a reset), restores the actor with `createActor(machine, { snapshot, clock })`, delivers the
 * events one by one and waits after each until no invoked actor runs (bounded by `settleTimeoutMs`,
 * abortable through `signal`), then saves with `expectedVersion` — a concurrent turn that saved first
 * makes this one reject with `VERSION_CONFLICT`, and nothing of it is stored. A machine error rejects
 * with `MACHINE_ERROR` and saves nothing.
 *
 * Outputs: the machine sends replies with xstate's `emit` action — `emit({ type: 'reply', text })` —
 * from any action, including an invoked LLM call's `onDone`. Emitted events are outputs of the turn,
 * not state: they are not persisted and are returned once. `ESCALATE` (added by
 * {@link withEscalation}) emits `{ type: 'escalation', reason }` and lands in the handoff state. A
 * turn on a finished conversation delivers nothing and saves nothing (`reset` gives it back to the
 * bot) — except `ESCALATE` on one that ended in another final state, which is moved to the handoff
 * state directly (xstate cannot leave a final state; the handoff's entry actions do not run then).
 *
 * Delayed events (`after`) fire on the injected clock while a turn runs; xstate cannot persist
 * pending timers, so a delay does not survive the end of a turn.
 *
 * Serialize turns per thread (see `createChatLock`); the compare-and-swap is the last line of defence.
 *
 * @example
 * ```ts
 * const conversation = createConversation({
 *   machine: salesMachine, // made with withEscalation(...)
 *   checkpoints: new MemoryCheckpointStore(),
 *   machineVersion: 2,
 *   migrations: { 2: (snapshot) => addBudgetField(snapshot) },
 * });
 * const result = await conversation.turn('chat:42', [{ type: 'TEXT', text: 'hi' }]);
 * for (const reply of result.replies) await channel.send(reply.text);
 * ```
 */
export function createConversation<TMachine extends AnyStateMachine>(
  options: ConversationOptions<TMachine>,
): Conversation<TMachine> {
  const parsed = parseOptions('createConversation', conversationOptionsSchema, options);
  const machine = options.machine;
  const checkpoints = options.checkpoints;
  const handoffState = handoffStateOf(machine);
  const machineVersion = parsed.machineVersion ?? 1;
  const migrations = options.migrations ?? {};
  const clock: Clock = options.clock ?? systemClock;
  const settleTimeoutMs = parsed.settleTimeoutMs ?? 60_000;

  const meter = botkeelMeter();
  const turnCounter = meter.createCounter(MetricNames.turns);
  const turnDuration = meter.createHistogram(MetricNames.turnDuration, { unit: 'ms' });
  const conflictCounter = meter.createCounter(MetricNames.checkpointConflicts);
  const escalationCounter = meter.createCounter(MetricNames.handoffEscalations);

  const restoreContext = { machine, clock, machineVersion, migrations, input: options.input };
  const { historyLimit } = parsed;

  /** The options of a save expecting `expectedVersion` (one literal per save, no spread). */
  const saveOptions = (expectedVersion: number): SaveCheckpointOptions =>
    historyLimit === undefined
      ? { expectedVersion, machineVersion, nowMs: clock.now() }
      : { expectedVersion, machineVersion, nowMs: clock.now(), historyLimit };

  /**
   * ESCALATE on a conversation that ended in another final state: xstate cannot leave a final state,
   * so the handoff snapshot is resolved directly (its entry actions do not run) and saved.
   */
  const escalateFinished = async (
    threadId: string,
    checkpoint: Checkpoint,
    current: MachineSnapshot,
    rawReason: unknown,
    abort: AbortSource | undefined,
    turnId: string | undefined,
  ): Promise<TurnResult<TMachine>> => {
    const reason = typeof rawReason === 'string' && rawReason !== '' ? rawReason : 'unspecified';
    const handedOff = machine.resolveState({ value: handoffState, context: current.context });
    const record = turnId === undefined ? undefined : { id: turnId, replies: [], escalation: { reason } };
    throwIfAborted(abort);
    const saved = await withSpan(SpanNames.checkpointSave, noAttributes, () =>
      checkpoints.save(
        threadId,
        withTurnRecord(machine.getPersistedSnapshot(handedOff), checkpoint.snapshot, record),
        saveOptions(checkpoint.version),
      ),
    );
    escalationCounter.add(1, { reason });
    const escalationEmitted: EscalationEmitted = { type: 'escalation', reason };
    return {
      threadId,
      version: saved.version,
      machineVersion,
      state: handoffState,
      context: current.context as ContextFrom<TMachine>,
      status: 'done',
      isHandedOff: true,
      replies: [],
      escalation: { reason },
      emitted: [escalationEmitted],
    };
  };

  /** The outputs a turn already saved had, with the thread as it is now (nothing applied, nothing saved). */
  const replay = (
    threadId: string,
    checkpoint: Checkpoint,
    current: MachineSnapshot,
    record: TurnRecord,
  ): TurnResult<TMachine> => ({
    threadId,
    version: checkpoint.version,
    machineVersion,
    state: current.value,
    context: current.context as ContextFrom<TMachine>,
    status: current.status === 'done' ? 'done' : 'active',
    isHandedOff: isInHandoff(current, handoffState),
    replies: record.replies,
    escalation: record.escalation,
    emitted: [
      ...record.replies,
      ...(record.escalation === undefined ? [] : [escalationEvent(record.escalation.reason)]),
    ],
  });

  /** The snapshot, persisted snapshot and emitted events a turn ends with, before it is saved. */
  interface Outcome {
    readonly finalSnapshot: MachineSnapshot;
    readonly persisted: Snapshot<unknown>;
    readonly emitted: readonly { type: string }[];
  }

  const lightTurn = new LightTurn(machine);

  /**
   * The turn on xstate's pure logic (see {@link LightTurn}): `undefined` when it needs an actor.
   * Aborts are checked where the actor path checks them (after start, after each event).
   */
  const runLight = (
    start: MachineSnapshot,
    events: readonly ConversationEvent<TMachine>[],
    abort: AbortSource | undefined,
  ): Outcome | undefined => {
    let current = start;
    if (current.status === 'active') {
      throwIfAborted(abort);
      for (const event of events) {
        if (current.status !== 'active') break;
        const next = lightTurn.send(current, event);
        if (next === undefined) return undefined;
        current = next;
        throwIfAborted(abort);
      }
    }
    return { finalSnapshot: current, persisted: lightTurn.persisted(current), emitted: lightTurn.emitted };
  };

  /** The turn on a started actor, waiting after each event until its invoked actors are done. */
  const runOnActor = async (
    threadId: string,
    actor: Actor<TMachine>,
    events: readonly ConversationEvent<TMachine>[],
    abort: AbortSource | undefined,
    deadlineMs: number,
  ): Promise<Outcome> => {
    const emitted: { type: string }[] = [];
    let machineError: { error: unknown } | undefined;
    actor.on('*', (event: { type: string }) => emitted.push(event));
    actor.subscribe({ error: (error: unknown) => (machineError = { error }) });
    try {
      actor.start();
      // Most turns settle synchronously (no invoked actor running): no promise to wait for then.
      const settle = (): Promise<void> | undefined => {
        if (!isSettled(actor as AnyActorRef)) {
          return waitUntilSettled(actor as AnyActorRef, {
            clock,
            deadlineMs,
            timeoutMs: settleTimeoutMs,
            // Created only for a turn that waits on an invoked actor.
            signal: abort?.signal,
          });
        }
        throwIfAborted(abort);
        return undefined;
      };
      if (snapshotOf(actor).status === 'active') {
        const settling = settle();
        if (settling !== undefined) await settling;
        for (const event of events) {
          if (machineError !== undefined || snapshotOf(actor).status !== 'active') break;
          actor.send(event as never);
          const settlingEvent = settle();
          if (settlingEvent !== undefined) await settlingEvent;
        }
      }
      if (machineError !== undefined) {
        throw new BotkeelError(
          'MACHINE_ERROR',
          `The conversation machine of thread "${threadId}" failed; nothing was saved`,
          {
            cause: machineError.error,
            retryable: false,
          },
        );
      }
      return { finalSnapshot: snapshotOf(actor), persisted: actor.getPersistedSnapshot(), emitted };
    } finally {
      actor.stop();
    }
  };

  /** One turn, its metrics recorded as it settles (in this async function: no promise more per turn). */
  const run = async (
    threadId: string,
    events: readonly ConversationEvent<TMachine>[],
    abort: AbortSource | undefined,
    turnId: string | undefined,
  ): Promise<TurnResult<TMachine>> => {
    const startedAtMs = clock.now();
    let recorded = 'completed';
    try {
      const deadlineMs = startedAtMs + settleTimeoutMs;
      throwIfAborted(abort);
      const checkpoint = await withSpan(SpanNames.checkpointLoad, noAttributes, () =>
        checkpoints.load(threadId),
      );
      throwIfAborted(abort);
      const snapshot = restorableSnapshot(threadId, checkpoint, restoreContext);
      const input = checkpoint === undefined ? options.input?.(threadId) : undefined;
      // The pure path first; a turn it cannot run (or a snapshot it cannot restore) goes to an actor.
      let actor: Actor<TMachine> | undefined;
      const lightStart = lightTurn.begin(snapshot, input);
      if (lightStart === undefined)
        actor = restoreActor(threadId, checkpoint, snapshot, input, restoreContext);
      const start = lightStart ?? snapshotOf(actor as Actor<TMachine>);

      const saved = turnId === undefined ? undefined : findTurnRecord(checkpoint?.snapshot, turnId);
      if (saved !== undefined && checkpoint !== undefined) return replay(threadId, checkpoint, start, saved);
      const wasHandedOff = isInHandoff(start, handoffState);
      // A finished conversation (handed off or in another final state) takes no events: nothing to save.
      const wasFinished = checkpoint !== undefined && start.status !== 'active';
      const escalate = (events as readonly { type: string; reason?: unknown }[]).find(
        (event) => event.type === 'ESCALATE',
      );
      if (wasFinished && !wasHandedOff && escalate !== undefined && checkpoint !== undefined) {
        return await escalateFinished(threadId, checkpoint, start, escalate.reason, abort, turnId);
      }

      let outcome = actor === undefined ? runLight(start, events, abort) : undefined;
      if (outcome === undefined) {
        actor ??= restoreActor(threadId, checkpoint, snapshot, input, restoreContext);
        outcome = await runOnActor(threadId, actor, events, abort, deadlineMs);
      }
      const { finalSnapshot, persisted, emitted } = outcome;

      const isHandedOff = isInHandoff(finalSnapshot, handoffState);
      let escalation: ConversationEscalation | undefined;
      const escalated = emitted.find((event) => event.type === 'escalation') as
        { reason?: unknown } | undefined;
      if (escalated !== undefined) escalation = { reason: String(escalated.reason) };
      else if (isHandedOff && !wasHandedOff) escalation = { reason: 'handoff-state-reached' };

      const replies = emitted.filter(isReply);
      let version = checkpoint?.version ?? 0;
      if (!wasFinished) {
        throwIfAborted(abort);
        const record = turnId === undefined ? undefined : { id: turnId, replies, escalation };
        const saved = await withSpan(SpanNames.checkpointSave, noAttributes, () =>
          checkpoints.save(
            threadId,
            withTurnRecord(persisted, checkpoint?.snapshot, record),
            saveOptions(checkpoint?.version ?? 0),
          ),
        );
        version = saved.version;
      }
      if (escalation !== undefined) escalationCounter.add(1, { reason: escalation.reason });

      return {
        threadId,
        version,
        machineVersion,
        state: finalSnapshot.value,
        context: finalSnapshot.context as ContextFrom<TMachine>,
        status: finalSnapshot.status === 'done' ? 'done' : 'active',
        isHandedOff,
        replies,
        escalation,
        emitted,
      };
    } catch (error) {
      const code = BotkeelError.isInstance(error) ? error.code : 'INTERNAL';
      if (code === 'VERSION_CONFLICT') conflictCounter.add(1);
      recorded = code.toLowerCase();
      throw error;
    } finally {
      turnCounter.add(1, { outcome: recorded });
      turnDuration.record(clock.now() - startedAtMs);
    }
  };

  const turn = (
    threadId: string,
    events: readonly ConversationEvent<TMachine>[],
    turnOptions: TurnOptions = {},
  ): Promise<TurnResult<TMachine>> =>
    withSpan(SpanNames.turn, { 'botkeel.events': events.length }, () =>
      run(threadId, events, abortOf(turnOptions), turnOptions.turnId),
    );

  const reset = async (threadId: string, resetOptions: TurnOptions = {}): Promise<number> => {
    const abort = abortOf(resetOptions);
    throwIfAborted(abort);
    const checkpoint = await checkpoints.load(threadId);
    const actor = createActor(machine, { clock, input: options.input?.(threadId) });
    const fresh = actor.getPersistedSnapshot();
    throwIfAborted(abort);
    // The records of the last turns stay: a turn from before the reset is not applied to the new start.
    const saved = await checkpoints.save(
      threadId,
      withTurnRecord(fresh, checkpoint?.snapshot, undefined),
      saveOptions(checkpoint?.version ?? 0),
    );
    return saved.version;
  };

  return {
    turn,
    reset,
    escalate: (threadId, reason, turnOptions) => turn(threadId, [{ type: 'ESCALATE', reason }], turnOptions),
    handoffState,
    machineVersion,
  };
}
