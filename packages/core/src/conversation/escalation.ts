import {
  type AnyStateMachine,
  type AnyStateNode,
  type EventObject,
  type MachineContext,
  type TransitionDefinition,
  createMachine,
  emit,
} from 'xstate';
import { InvalidOptionsError } from '../errors/subclasses.js';

/** The event that hands a conversation to a human from any state. */
export interface EscalateEvent {
  readonly type: 'ESCALATE';
  /** Why, e.g. `'user-asked'`, `'llm-exhausted'`, `'manager-command'`. Default `'unspecified'`. */
  readonly reason?: string;
}

/** What a machine emits (xstate `emit`) when an `ESCALATE` event moves it to the handoff state. */
export interface EscalationEmitted {
  readonly type: 'escalation';
  /** The `reason` of the `ESCALATE` event. */
  readonly reason: string;
}

/** Options of {@link withEscalation}. */
export interface EscalationOptions {
  /**
   * The key of a top-level state of the machine where the conversation ends up when a human takes
   * over. It becomes a `final` state; it may have `entry` actions and `meta`, not transitions,
   * children or invocations.
   */
  handoffState: string;
}

type StateConfig = Record<string, unknown> & { states?: Record<string, StateConfig> };

const escalateType: EscalateEvent['type'] = 'ESCALATE';
const forbiddenOnHandoff = ['states', 'on', 'always', 'after', 'invoke', 'initial'] as const;

const emitEscalation = emit(
  ({ event }: { event: { type: string; reason?: unknown } }): EscalationEmitted => ({
    type: 'escalation',
    reason: typeof event.reason === 'string' && event.reason !== '' ? event.reason : 'unspecified',
  }),
);

function escalateEverywhere(
  config: StateConfig,
  transition: object,
  handoffConfig: StateConfig,
): StateConfig {
  if (config === handoffConfig || config.type === 'history') return config;
  const copy: StateConfig = { ...config };
  if (config.states !== undefined) {
    copy.states = Object.fromEntries(
      Object.entries(config.states).map(([key, child]) => [
        key,
        escalateEverywhere(child, transition, handoffConfig),
      ]),
    );
  }
  const on = typeof config.on === 'object' && config.on !== null ? config.on : {};
  // Replaces any ESCALATE handler of the state, guarded or not: nothing may veto an escalation.
  copy.on = { ...on, [escalateType]: transition };
  return copy;
}

/**
 * Makes a machine a Botkeel conversation machine: `ESCALATE` from EVERY state — nested and parallel
 * ones included — goes to `handoffState`, whatever the guards say. It rewrites the machine's config
 * so each state node's `ESCALATE` is one unguarded transition to the handoff state (xstate picks the
 * deepest state's exact-match transition first, so no child handler, guard or wildcard can take
 * precedence; any `ESCALATE` handler the machine had is replaced). The transition emits an
 * {@link EscalationEmitted} event with the reason. Implementations (`setup` actions, guards,
 * actors, delays) are kept.
 *
 * Put side effects of the handoff in the handoff state's `entry`. `createConversation` checks every
 * state node for this transition and refuses machines that lack it.
 *
 * @param machine - an xstate v5 machine (e.g. from `setup({...}).createMachine({...})`)
 * @example
 * ```ts
 * const machine = withEscalation(
 *   setup({ types: { events: {} as { type: 'TEXT'; text: string } | EscalateEvent } }).createMachine({
 *     id: 'sales',
 *     initial: 'STATE_0_INIT',
 *     states: { STATE_0_INIT: { on: { TEXT: 'STATE_1_GREET' } }, STATE_1_GREET: {}, STATE_ESCALATED: {} },
 *   }),
 *   { handoffState: 'STATE_ESCALATED' },
 * );
 * ```
 */
export function withEscalation<TMachine extends AnyStateMachine>(
  machine: TMachine,
  options: EscalationOptions,
): TMachine {
  const root = machine.config as StateConfig;
  const handoffConfig = root.states?.[options.handoffState];
  if (handoffConfig === undefined) {
    throw new InvalidOptionsError(
      `withEscalation: handoffState: "${options.handoffState}" is not a top-level state of machine "${machine.id}"`,
    );
  }
  for (const field of forbiddenOnHandoff) {
    if (handoffConfig[field] !== undefined) {
      throw new InvalidOptionsError(
        `withEscalation: handoffState: "${options.handoffState}" must be a plain final state, without "${field}"`,
      );
    }
  }
  const handoffId =
    typeof handoffConfig.id === 'string' ? handoffConfig.id : `${machine.id}.${options.handoffState}`;
  const transition = { target: `#${handoffId}`, actions: emitEscalation };
  const rewritten = escalateEverywhere(root, transition, handoffConfig);
  rewritten.states = {
    ...rewritten.states,
    [options.handoffState]: { ...handoffConfig, id: handoffId, type: 'final' },
  };
  return createMachine(rewritten as never, machine.implementations as never) as unknown as TMachine;
}

function allStateNodes(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((child: AnyStateNode) => allStateNodes(child))];
}

/**
 * Finds the handoff state of a machine made by {@link withEscalation}, after checking that every
 * state node has an unguarded `ESCALATE` transition as its first candidate, targeting one final
 * top-level state. Throws `INVALID_OPTIONS` naming the first state that fails.
 */
export function handoffStateOf(machine: AnyStateMachine): string {
  const rootCandidates = machine.root.transitions.get(escalateType);
  const handoff = rootCandidates?.[0]?.target?.[0];
  if (handoff === undefined || handoff.parent !== machine.root || handoff.type !== 'final') {
    throw new InvalidOptionsError(
      `createConversation: machine: "${machine.id}" has no ESCALATE transition to a final top-level state; define it with withEscalation()`,
    );
  }
  for (const node of allStateNodes(machine.root)) {
    if (node === handoff || node.type === 'history') continue;
    const first: TransitionDefinition<MachineContext, EventObject> | undefined =
      node.transitions.get(escalateType)?.[0];
    const target: readonly AnyStateNode[] | undefined = first?.target;
    if (first === undefined || first.guard !== undefined || target?.length !== 1 || target[0] !== handoff) {
      throw new InvalidOptionsError(
        `createConversation: machine: state "${node.id}" does not send ESCALATE to "${handoff.key}" unconditionally; define the machine with withEscalation()`,
      );
    }
  }
  return handoff.key;
}
