import {
  type AnyStateMachine,
  type ContextFrom,
  type EventFromLogic,
  type InputFrom,
  type StateValue,
} from 'xstate';
import { type Clock } from '../clock/clock.js';
import { type AbortSource } from '../lock/abort-source.js';
import { type CheckpointStore } from './checkpoint-store.js';
import { type EscalateEvent } from './escalation.js';
import { type SnapshotMigrations } from './migrations.js';

/** Options of {@link createConversation}. */
export interface ConversationOptions<TMachine extends AnyStateMachine> {
  /** The machine, made with {@link withEscalation} (checked: `ESCALATE` must reach the handoff state from every state). */
  machine: TMachine;
  /** Where snapshots persist, with a compare-and-swap on the version. */
  checkpoints: CheckpointStore;
  /** The version of `machine`, stored with every snapshot. Bump it when a change breaks old snapshots. Default 1. */
  machineVersion?: number;
  /** Steps that bring older snapshots to `machineVersion` on load; see {@link SnapshotMigrations}. */
  migrations?: SnapshotMigrations;
  /** Checkpoints kept per thread (older ones are pruned on save). Default: the store's own limit. */
  historyLimit?: number;
  /** Time for xstate's delayed events (`after`) and the settle timeout. Default `systemClock`. */
  clock?: Clock;
  /** How long one turn may wait for invoked actors (LLM calls) to finish. Default 60,000. */
  settleTimeoutMs?: number;
  /** The machine input of a thread's first turn. */
  input?: (threadId: string) => InputFrom<TMachine>;
}

/** Options of {@link Conversation.turn}. */
export interface TurnOptions {
  /** Aborts the turn: running invoked actors are stopped and nothing is saved. */
  signal?: AbortSignal;
  /**
   * Instead of `signal`: the same, from an {@link AbortSource} whose signal is created only if the
   * turn waits on an invoked actor (a chat lock's `ChatTurnContext` is one). Not together with `signal`.
   */
  abortSource?: AbortSource;
  /**
   * Identifies what this turn delivers (e.g. the debounced batch's id). The checkpoint saved by the
   * turn remembers the id and the turn's replies and escalation, in the same compare-and-swap; a
   * later turn with an id among the thread's last 8 applies nothing and saves nothing: it answers
   * the outputs the first one had. So a turn whose runner crashed (or lost its own record of it)
   * after the save is not applied twice when it runs again.
   */
  turnId?: string;
}

/**
 * A reply the machine wants sent: an event the machine emits with xstate's `emit` action, of type
 * `'reply'` with a string `text`; any other fields (buttons, parse mode…) are passed through.
 */
export interface ConversationReply {
  readonly type: 'reply';
  readonly text: string;
  readonly [field: string]: unknown;
}

/** The conversation reached its handoff state during this turn. */
export interface ConversationEscalation {
  /** The `ESCALATE` event's reason, or `'handoff-state-reached'` when the machine went there by its own transitions. */
  readonly reason: string;
}

/** What a turn did, as saved. */
export interface TurnResult<TMachine extends AnyStateMachine> {
  readonly threadId: string;
  /** The checkpoint version now stored (unchanged when the conversation had already finished). */
  readonly version: number;
  /** The machine version stored with the snapshot. */
  readonly machineVersion: number;
  /** The machine's state value after the turn. */
  readonly state: StateValue;
  /** The machine's context after the turn. */
  readonly context: ContextFrom<TMachine>;
  /** `'done'` once the machine reached a final state (the handoff state included). */
  readonly status: 'active' | 'done';
  /** True when the conversation is in the handoff state (reached now or earlier). */
  readonly isHandedOff: boolean;
  /** Replies emitted during the turn, in order. */
  readonly replies: readonly ConversationReply[];
  /** Set when this turn moved the conversation to the handoff state. */
  readonly escalation: ConversationEscalation | undefined;
  /** Every event the machine emitted during the turn, in order (replies and escalation included). */
  readonly emitted: readonly { readonly type: string }[];
}

/** The events a turn can deliver: the machine's own events and `ESCALATE`. */
export type ConversationEvent<TMachine extends AnyStateMachine> = EventFromLogic<TMachine> | EscalateEvent;

/** A conversation engine over one machine and one checkpoint store; see {@link createConversation}. */
export interface Conversation<TMachine extends AnyStateMachine> {
  /**
   * Runs one turn of `threadId`: load its checkpoint (migrating older machine versions), restore the
   * machine, deliver `events` one by one letting the machine settle after each, save with the loaded
   * version as `expectedVersion`, and return the state, context and outputs.
   */
  turn(
    threadId: string,
    events: readonly ConversationEvent<TMachine>[],
    options?: TurnOptions,
  ): Promise<TurnResult<TMachine>>;
  /**
   * Starts the thread over: saves the machine's initial snapshot as its next version (a
   * compare-and-swap like any save). The history keeps the earlier versions. Used to give a chat
   * back to the bot after a human handled it, or to begin again after a final state.
   *
   * @returns the version saved
   */
  reset(threadId: string, options?: TurnOptions): Promise<number>;
  /** A turn delivering one `ESCALATE` event with `reason`. */
  escalate(threadId: string, reason: string, options?: TurnOptions): Promise<TurnResult<TMachine>>;
  /** The key of the machine's handoff state. */
  readonly handoffState: string;
  /** The machine version this engine saves. */
  readonly machineVersion: number;
}
