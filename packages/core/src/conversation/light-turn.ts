import { type AnyStateMachine, type EventObject, type Snapshot } from 'xstate';
import { hasKnownSnapshotShape, plainPersistedSnapshot } from './persisted-snapshot.js';
import { type MachineSnapshot } from './restore-actor.js';

/**
 * Thrown inside xstate when a turn needs what only a running actor has (a child actor, a delayed
 * event, a custom action, `self` or the actor system); caught by {@link LightTurn}, never escapes it.
 */
const needsActor = new Error('this turn needs an xstate actor');

const throwNeedsActor = (): never => {
  throw needsActor;
};

/**
 * The `self` of a light turn: any use of it (sending to it, spawning under it, reading its id) means
 * the turn needs a real actor.
 */
const inertSelf: object = new Proxy(
  {},
  {
    get: throwNeedsActor,
    has: throwNeedsActor,
    set: throwNeedsActor,
    ownKeys: throwNeedsActor,
    getPrototypeOf: throwNeedsActor,
  },
);

const noInspection = (): void => undefined;

/** The actor system of a light turn: only the (disabled) inspection is allowed; anything else needs an actor. */
const inertSystem: object = new Proxy(
  {},
  {
    get: (_target, key) => (key === '_sendInspectionEvent' ? noInspection : throwNeedsActor()),
    has: throwNeedsActor,
    set: throwNeedsActor,
  },
);

interface ExecutableAction {
  readonly type: string;
  readonly params: unknown;
}

/** The built-in actions whose effect a light turn performs itself; every other action needs an actor. */
function runAction(action: ExecutableAction, emitted: EventObject[]): void {
  if (action.type === 'xstate.emit') {
    // What xstate's executeEmit defers and the actor then hands to its `on('*')` listeners.
    emitted.push((action.params as { event: EventObject }).event);
    return;
  }
  // A raise without delay is already in the machine's internal queue; a delayed one needs the scheduler.
  if (action.type === 'xstate.raise' && typeof (action.params as { delay?: unknown }).delay !== 'number')
    return;
  throw needsActor;
}

/** What a light turn ends with: the machine's snapshot and what it emitted, in order. */
export interface LightTurnResult {
  readonly snapshot: MachineSnapshot;
  readonly emitted: EventObject[];
}

/**
 * Runs a conversation turn on xstate's pure machine logic — `restoreSnapshot` or
 * `getInitialSnapshot`, `transition` per event, as `createActor(...).start()` and `send` would — but
 * without an actor, which is most of the cost of a short turn (its system, mailbox, observers, start
 * and stop).
 *
 * It applies only to turns that need nothing an actor provides: no child actors (invoked or spawned,
 * restored or new), no delayed events, no custom or other side-effecting actions (`sendTo`, `log`,
 * `cancel`, …), no use of `self` or `system`, no error. Built-in `assign`, `emit`, `raise` (without a
 * delay) and `enqueueActions` of those are what it runs. The moment a turn needs more, the attempt is
 * abandoned (`undefined`) before any side effect ran, and the caller runs the turn on an actor from the
 * same snapshot. Guards, assigners and emitted-event expressions of the abandoned attempt have run once
 * already; xstate requires them to be pure (they are what `snapshot.can()` and `transition()` evaluate),
 * so running them again changes nothing — a machine that mutates its context in place instead of
 * returning new values breaks that rule.
 *
 * One instance serves one machine; its methods are synchronous, so turns never interleave in it.
 */
export class LightTurn {
  readonly #machine: AnyStateMachine;
  #emitted: EventObject[] = [];
  /** Whether this xstate's snapshots have the shape {@link plainPersistedSnapshot} knows; checked on the first. */
  #hasKnownShape: boolean | undefined;
  /** The initial snapshot without input, once known to run none of the machine's code (see {@link startsWithoutCode}). */
  #initial: MachineSnapshot | undefined;
  readonly #scope = {
    self: inertSelf,
    id: '',
    sessionId: '',
    logger: throwNeedsActor,
    system: inertSystem,
    stopChild: throwNeedsActor,
    defer: throwNeedsActor,
    emit: throwNeedsActor,
    actionExecutor: (action: ExecutableAction): void => runAction(action, this.#emitted),
  };

  constructor(machine: AnyStateMachine) {
    this.#machine = machine;
  }

  /**
   * The snapshot a turn starts from, as a started actor would have it: the persisted `snapshot`
   * restored, or the initial snapshot for `input` when there is none. `undefined` when the turn needs
   * an actor. Starts collecting emitted events anew.
   */
  begin(snapshot: unknown, input: unknown): MachineSnapshot | undefined {
    this.#emitted = [];
    try {
      let restored: MachineSnapshot | undefined;
      if (snapshot === undefined && input === undefined && this.#initial !== undefined) {
        return this.#initial;
      } else if (snapshot === undefined) {
        restored = this.#machine.getInitialSnapshot(this.#scope as never, input) as MachineSnapshot;
        // xstate snapshots are immutable (a transition answers a new one): a start that ran none of the
        // machine's code always ends in this same snapshot, so every new thread can share it.
        if (input === undefined && isPlain(restored) && startsWithoutCode(this.#machine, restored))
          this.#initial = restored;
      } else {
        // A restored child actor would be started by the actor: that needs one (and restoring it
        // would write actor references into the snapshot's context).
        if (!hasNoChildren(snapshot)) return undefined;
        restored = this.#machine.restoreSnapshot?.(snapshot as Snapshot<unknown>, this.#scope as never) as
          MachineSnapshot | undefined;
      }
      return isPlain(restored) ? restored : undefined;
    } catch {
      // needsActor, or restoring/starting failed: the actor reports that, worded as xstate words it.
      return undefined;
    }
  }

  /** The snapshot after `event`, or `undefined` when the turn needs an actor (a machine error included). */
  send(snapshot: MachineSnapshot, event: EventObject): MachineSnapshot | undefined {
    try {
      const next = this.#machine.transition(
        snapshot as never,
        event,
        this.#scope as never,
      ) as MachineSnapshot;
      return isPlain(next) ? next : undefined;
    } catch {
      // needsActor, or the machine threw: the actor turns that into its error status exactly.
      return undefined;
    }
  }

  /** The events emitted since {@link LightTurn.begin}, in order. */
  get emitted(): EventObject[] {
    return this.#emitted;
  }

  /** The snapshot to save, as `actor.getPersistedSnapshot()` answers it. */
  persisted(snapshot: MachineSnapshot): Snapshot<unknown> {
    this.#hasKnownShape ??= hasKnownSnapshotShape(snapshot);
    const plain = this.#hasKnownShape ? plainPersistedSnapshot(snapshot) : undefined;
    return plain ?? this.#machine.getPersistedSnapshot(snapshot as never);
  }
}

/** The parts of an xstate state node that run code when the machine starts in it. */
interface StartingNode {
  readonly entry: readonly unknown[];
  readonly always?: readonly unknown[];
  readonly initial: { readonly actions: readonly unknown[] };
  readonly states: Record<string, StartingNode>;
}

/** True when no state node of the tree under `node` has an eventless (`always`) transition. */
function hasNoEventless(node: StartingNode): boolean {
  if ((node.always?.length ?? 0) > 0) return false;
  for (const key in node.states) {
    const child = node.states[key];
    if (child !== undefined && !hasNoEventless(child)) return false;
  }
  return true;
}

/**
 * True when reaching `initial` ran none of the machine author's code, so it is the same snapshot every
 * time: a static context (no context factory); no eventless transition anywhere in the machine (whose
 * guards could read anything, and which could pass through states that `initial` no longer shows),
 * so the start entered exactly the state nodes `initial` is in; and none of those has entry actions
 * (which include delayed `after` events) or initial-transition actions.
 */
function startsWithoutCode(machine: AnyStateMachine, initial: MachineSnapshot): boolean {
  if (typeof (machine.config as { context?: unknown }).context === 'function') return false;
  if (!hasNoEventless(machine.root)) return false;
  const nodes = (initial as { _nodes?: unknown })._nodes;
  if (!Array.isArray(nodes)) return false;
  return (nodes as StartingNode[]).every(
    (node) => node.entry.length === 0 && node.initial.actions.length === 0,
  );
}

function hasNoChildren(snapshot: unknown): boolean {
  if (typeof snapshot !== 'object' || snapshot === null) return false;
  const children = (snapshot as { children?: unknown }).children;
  if (typeof children !== 'object' || children === null) return false;
  for (const id in children) if (Object.hasOwn(children, id)) return false;
  return true;
}

/** A snapshot a light turn can go on with: active or done, and without child actors. */
function isPlain(snapshot: MachineSnapshot | undefined): snapshot is MachineSnapshot {
  if (snapshot === undefined || (snapshot.status !== 'active' && snapshot.status !== 'done')) return false;
  return hasNoChildren(snapshot);
}
