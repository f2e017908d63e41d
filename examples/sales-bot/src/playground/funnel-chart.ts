import { type AnyStateMachine, type AnyStateNode } from 'xstate';

/** One top-level state of the funnel, as the page draws it. */
export interface FunnelState {
  /** The state's key, e.g. `'STATE_4_OFFER'`. */
  readonly name: string;
  readonly isFinal: boolean;
  /** Other top-level states reachable in one step (from the state or any of its sub-states). */
  readonly targets: readonly string[];
  /** Events that leave it (`'always'` for eventless transitions, `'done'` for an invoke's result). */
  readonly events: readonly string[];
}

/** The funnel's chart: its states in definition order, the initial one first. */
export interface FunnelChart {
  readonly machineId: string;
  readonly initial: string;
  readonly states: readonly FunnelState[];
}

/** The top-level state a (possibly nested) state node belongs to. */
function topLevelOf(node: AnyStateNode): AnyStateNode {
  let current = node;
  while (current.parent?.parent !== undefined) current = current.parent;
  return current;
}

/** A readable name for an event: xstate's internal done/error events of invoked actors become `done`/`error`. */
function eventLabel(event: string): string {
  if (event.startsWith('xstate.done.actor')) return 'done';
  if (event.startsWith('xstate.error.actor')) return 'error';
  return event;
}

function descendantsOf(node: AnyStateNode): AnyStateNode[] {
  return [node, ...Object.values(node.states).flatMap((child) => descendantsOf(child))];
}

/**
 * Reads the chart from the machine definition itself (xstate's state nodes and transitions), so it
 * never drifts from the funnel. ESCALATE transitions to every state are kept: the page shows them
 * as "from anywhere".
 */
export function funnelChartOf(machine: AnyStateMachine): FunnelChart {
  const states = Object.values(machine.root.states).map((node): FunnelState => {
    const targets = new Set<string>();
    const events = new Set<string>();
    for (const descendant of descendantsOf(node)) {
      const transitions = [
        ...[...descendant.transitions.entries()].flatMap(([event, list]) =>
          list.map((transition) => ({ event, transition })),
        ),
        ...(descendant.always ?? []).map((transition) => ({ event: 'always', transition })),
      ];
      for (const { event, transition } of transitions) {
        for (const target of transition.target ?? []) {
          const top = topLevelOf(target);
          if (top.key === node.key) continue;
          targets.add(top.key);
          events.add(eventLabel(event));
        }
      }
    }
    return { name: node.key, isFinal: node.type === 'final', targets: [...targets], events: [...events] };
  });
  const initialKey = machine.root.initial?.target[0]?.key ?? states[0]?.name ?? '';
  return { machineId: machine.id, initial: initialKey, states };
}

/** The top-level state name of a persisted snapshot's `value` (`'STATE_1_DISCOVERY'` for `{ STATE_1_DISCOVERY: 'waiting' }`). */
export function topLevelStateOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null) return Object.keys(value)[0];
  return undefined;
}
