import {
  type EscalateEvent,
  MemoryCheckpointStore,
  createConversation,
  createManualClock,
  withEscalation,
} from '@botkeel/core';
import fc from 'fast-check';
import {
  type AnyStateMachine,
  type EventObject,
  assign,
  createActor,
  emit,
  enqueueActions,
  raise,
  setup,
} from 'xstate';
import { describe, expect, it } from 'vitest';
import { LightTurn } from '../../src/conversation/light-turn.js';
import { talkingMachine } from '../helpers/talking-machine.js';
import { type FunnelEvent, funnelMachine, funnelSampleEvents } from './sales-funnel.js';

type SinkEvent =
  | { type: 'A' }
  | { type: 'B' }
  | { type: 'C' }
  | { type: 'D' }
  | { type: 'E' }
  | { type: 'F' }
  | { type: 'G' }
  | { type: 'H' }
  | { type: 'L' }
  | EscalateEvent;

let customActionCalls = 0;

/**
 * A machine with a bit of everything xstate has: a context factory, root entry, nested, parallel and
 * final states, a deep history state, eventless transitions with guards, raise, enqueueActions,
 * emit expressions, a custom action, a delayed transition and a log action.
 */
const sinkMachine = withEscalation(
  setup({
    types: {
      context: {} as { n: number; seen: string[] },
      events: {} as SinkEvent,
      emitted: {} as { type: 'reply'; text: string } | { type: 'escalation'; reason: string },
    },
    actions: {
      track: () => {
        customActionCalls += 1;
      },
    },
    guards: { isEven: ({ context }) => context.n % 2 === 0 },
    delays: { soon: 1_000 },
  }).createMachine({
    id: 'sink',
    context: () => ({ n: 0, seen: [] }),
    entry: emit({ type: 'reply', text: 'started' }),
    initial: 'a',
    states: {
      a: {
        on: {
          A: { target: 'b', actions: assign({ n: ({ context }) => context.n + 1 }) },
          B: { actions: raise({ type: 'C' }) },
          C: {
            actions: [
              assign({ seen: ({ context, event }) => [...context.seen, event.type] }),
              emit(({ context }) => ({ type: 'reply' as const, text: `c${context.n}` })),
            ],
          },
          D: 'par',
          E: 'deep.hist',
          G: 'end',
          H: 'waiting',
          L: {
            actions: () => {
              customActionCalls += 1;
            },
          },
        },
      },
      b: {
        always: [{ guard: 'isEven', target: 'a' }],
        on: {
          A: {
            target: 'a',
            actions: enqueueActions(({ enqueue, context }) => {
              enqueue.assign({ n: context.n + 2 });
              enqueue.emit({ type: 'reply', text: 'enqueued' });
              enqueue.raise({ type: 'C' });
            }),
          },
          B: 'deep',
          F: { actions: 'track' },
        },
      },
      par: {
        type: 'parallel',
        states: {
          x: { initial: 'x1', states: { x1: { on: { A: 'x2' } }, x2: { type: 'final' } } },
          y: {
            initial: 'y1',
            states: {
              y1: { on: { B: 'y2' }, entry: emit({ type: 'reply', text: 'y1' }) },
              y2: { type: 'final' },
            },
          },
        },
        onDone: { target: 'a', actions: emit({ type: 'reply', text: 'both done' }) },
      },
      deep: {
        initial: 'd1',
        states: {
          d1: { on: { A: 'd2' } },
          d2: { on: { A: 'd1' } },
          hist: { type: 'history', history: 'deep' },
        },
        on: { B: 'a', C: { target: 'a', actions: raise({ type: 'C' }) } },
      },
      waiting: { after: { soon: 'a' }, on: { A: 'a' } },
      end: { type: 'final', entry: emit({ type: 'reply', text: 'bye' }) },
      human: { entry: emit({ type: 'reply', text: 'a human takes over' }) },
    },
  }),
  { handoffState: 'human' },
);

const echoMachine = talkingMachine((_turns, text) => `echo ${text}`);

interface TurnOutcome {
  readonly value: unknown;
  readonly status: string;
  readonly context: unknown;
  readonly persisted: unknown;
  readonly emitted: readonly EventObject[];
}

const hasChildren = (snapshot: { children: Record<string, unknown> }): boolean =>
  Object.keys(snapshot.children).length > 0;

/** The reference: what the conversation engine did before the light path — a started actor per turn. */
async function onActor(
  machine: AnyStateMachine,
  persisted: unknown,
  events: readonly EventObject[],
): Promise<TurnOutcome & { error: unknown }> {
  const actor = createActor(machine, persisted === undefined ? {} : { snapshot: persisted as never });
  const emitted: EventObject[] = [];
  let error: unknown;
  actor.on('*', (event: EventObject) => emitted.push(event));
  actor.subscribe({ error: (caught: unknown) => (error = caught ?? 'error') });
  actor.start();
  // Invoked promise actors settle in microtasks: wait as the engine does, without a clock.
  const settle = async () => {
    for (let round = 0; round < 20 && hasChildren(actor.getSnapshot()); round++) await Promise.resolve();
  };
  await settle();
  for (const event of events) {
    if (error !== undefined || actor.getSnapshot().status !== 'active') break;
    actor.send(event);
    await settle();
  }
  const snapshot = actor.getSnapshot() as { value: unknown; status: string; context: unknown };
  const outcome = {
    value: snapshot.value,
    status: snapshot.status,
    context: snapshot.context,
    persisted: actor.getPersistedSnapshot(),
    emitted,
    error,
  };
  actor.stop();
  return outcome;
}

/** The same turn on the light path, or `undefined` where it hands the turn to an actor. */
function onLight(
  light: LightTurn,
  persisted: unknown,
  events: readonly EventObject[],
): TurnOutcome | undefined {
  let snapshot = light.begin(persisted, undefined);
  if (snapshot === undefined) return undefined;
  if (snapshot.status === 'active') {
    for (const event of events) {
      if (snapshot.status !== 'active') break;
      snapshot = light.send(snapshot, event);
      if (snapshot === undefined) return undefined;
    }
  }
  return {
    value: snapshot.value,
    status: snapshot.status,
    context: snapshot.context,
    persisted: light.persisted(snapshot),
    emitted: light.emitted,
  };
}

const json = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

/**
 * Plays `turns` against both paths from the same stored snapshot each time (as JSON, as a store
 * keeps it) and counts the turns the light path ran itself.
 */
async function compareTurns(
  machine: AnyStateMachine,
  turns: readonly (readonly EventObject[])[],
): Promise<{ light: number; actor: number }> {
  const light = new LightTurn(machine);
  const counts = { light: 0, actor: 0 };
  let stored: string | undefined;
  for (const events of turns) {
    const parse = () => (stored === undefined ? undefined : (JSON.parse(stored) as unknown));
    const expected = await onActor(machine, parse(), events);
    const callsBefore = customActionCalls;
    const actual = onLight(light, parse(), events);
    // An abandoned light attempt ran no side effect (the custom action) before handing over.
    expect(customActionCalls).toBe(callsBefore);
    if (actual === undefined) counts.actor += 1;
    else {
      counts.light += 1;
      expect(expected.error).toBeUndefined();
      expect(json(actual.persisted)).toEqual(json(expected.persisted));
      // The same text, field order included: instances of either path store identical checkpoints.
      expect(JSON.stringify(actual.persisted)).toBe(JSON.stringify(expected.persisted));
      expect(actual.value).toEqual(expected.value);
      expect(actual.status).toBe(expected.status);
      expect(actual.context).toEqual(expected.context);
      expect(actual.emitted).toEqual(expected.emitted);
    }
    if (expected.error !== undefined) break;
    stored = JSON.stringify(expected.persisted);
  }
  return counts;
}

/** Greeting, budget (twice: the greeting's BUDGET lands on the qualify step's question), timeline → the offer. */
const reachTheOffer: FunnelEvent[][] = [
  [{ type: 'TEXT', text: 'hi' }],
  [{ type: 'BUDGET', amount: 500 }],
  [{ type: 'BUDGET', amount: 500 }],
  [{ type: 'TIMELINE', weeks: 2 }],
];

const turnsOf = <T extends EventObject>(events: fc.Arbitrary<T>) =>
  fc.array(fc.array(events, { maxLength: 4 }), { minLength: 1, maxLength: 8 });

const escalate = fc.record({
  type: fc.constant('ESCALATE' as const),
  reason: fc.constantFrom('user-asked', '', 'manager'),
});

describe('the light turn path gives what an actor gives (property)', () => {
  it('on a machine with nested, parallel, history, final and eventless states', async () => {
    const totals = { light: 0, actor: 0 };
    const event = fc.oneof(
      {
        weight: 12,
        arbitrary: fc.constantFrom(...(['A', 'B', 'C', 'D', 'E', 'G'] as const)).map((type) => ({ type })),
      },
      { weight: 3, arbitrary: fc.constantFrom(...(['F', 'H', 'L'] as const)).map((type) => ({ type })) },
      { weight: 1, arbitrary: escalate },
    );
    await fc.assert(
      fc.asyncProperty(turnsOf(event), async (turns) => {
        const counts = await compareTurns(sinkMachine, turns);
        totals.light += counts.light;
        totals.actor += counts.actor;
      }),
      { numRuns: 300 },
    );
    // Both paths were exercised: most turns light, the custom action, delay and log ones on an actor.
    expect(totals.light).toBeGreaterThan(totals.actor);
    expect(totals.actor).toBeGreaterThan(0);
  });

  it('on the 8-state sales funnel, whose offer state invokes an actor', async () => {
    const totals = { light: 0, actor: 0 };
    const event = fc.oneof(
      { weight: 10, arbitrary: fc.constantFrom(...funnelSampleEvents) },
      { weight: 1, arbitrary: escalate },
    );
    await fc.assert(
      fc.asyncProperty(turnsOf(event), async (turns) => {
        const counts = await compareTurns(funnelMachine, turns);
        totals.light += counts.light;
        totals.actor += counts.actor;
      }),
      // Random sequences reach the offer (the invoked LLM actor) in only ~1 % of turns: one run always
      // walks there, so both paths are compared every time.
      { numRuns: 300, examples: [[reachTheOffer]] },
    );
    expect(totals.light).toBeGreaterThan(0);
    expect(totals.actor).toBeGreaterThan(0);
  });

  it('runs every turn of a machine of assign and emit itself', async () => {
    const event = fc.oneof(
      { weight: 10, arbitrary: fc.string({ maxLength: 5 }).map((text) => ({ type: 'TEXT' as const, text })) },
      { weight: 1, arbitrary: escalate },
    );
    await fc.assert(
      fc.asyncProperty(turnsOf(event), async (turns) => {
        const counts = await compareTurns(echoMachine, turns);
        expect(counts.actor).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('the persisted snapshot of a light turn', () => {
  it('is what xstate persists when the context holds an actor reference (xstate writes a marker)', () => {
    const helper = createActor(setup({}).createMachine({}));
    const machine = setup({
      types: { context: {} as { helper: unknown; turns: number }, input: {} as { helper: unknown } },
    }).createMachine({
      context: ({ input }) => ({ helper: input.helper, turns: 0 }),
      on: { TEXT: { actions: assign({ turns: ({ context }) => context.turns + 1 }) } },
    });
    const light = new LightTurn(machine);
    const started = light.begin(undefined, { helper });
    expect(started).toBeDefined();
    const after = light.send(started!, { type: 'TEXT' });
    expect(after).toBeDefined();
    const persisted = light.persisted(after!);
    expect(persisted).toEqual(machine.getPersistedSnapshot(after as never));
    expect((persisted as unknown as { context: { helper: unknown } }).context.helper).not.toBe(helper);
  });
});

describe('the initial snapshot of a light turn', () => {
  let made = 0;
  const counting = (start: 'factory' | 'entry' | 'always') =>
    withEscalation(
      setup({
        types: {
          context: {} as { id: number },
          events: {} as { type: 'TEXT'; text: string } | EscalateEvent,
          emitted: {} as { type: 'reply'; text: string },
        },
        guards: { isEven: () => made++ % 2 === 0 },
      }).createMachine({
        context: start === 'factory' ? () => ({ id: ++made }) : { id: 0 },
        initial: 'talking',
        ...(start === 'entry' ? { entry: assign({ id: () => ++made }) } : {}),
        states: {
          talking: {
            ...(start === 'always' ? { always: { guard: 'isEven', target: 'listening' } } : {}),
            on: {
              TEXT: { actions: emit(({ context }) => ({ type: 'reply' as const, text: `#${context.id}` })) },
            },
          },
          listening: {
            on: { TEXT: { actions: emit(() => ({ type: 'reply' as const, text: 'listening' })) } },
          },
          human: {},
        },
      }),
      { handoffState: 'human' },
    );

  it('is shared by new threads only when starting ran none of the machine code', () => {
    const still = new LightTurn(echoMachine);
    const first = still.begin(undefined, undefined);
    expect(first).toBeDefined();
    expect(still.begin(undefined, undefined)).toBe(first);
    // With input, the start may depend on it: computed each time.
    expect(still.begin(undefined, { any: 1 })).not.toBe(first);
    for (const start of ['factory', 'entry', 'always'] as const) {
      const light = new LightTurn(counting(start));
      const a = light.begin(undefined, undefined);
      const b = light.begin(undefined, undefined);
      expect(a).toBeDefined();
      expect(b).not.toBe(a);
    }
  });

  it('starts every new thread afresh: a context factory or entry action runs once per thread', async () => {
    for (const start of ['factory', 'entry'] as const) {
      const conversation = createConversation({
        machine: counting(start),
        checkpoints: new MemoryCheckpointStore(),
      });
      const one = await conversation.turn('one', [{ type: 'TEXT', text: 'hi' }]);
      const two = await conversation.turn('two', [{ type: 'TEXT', text: 'hi' }]);
      expect(two.replies[0]?.text).not.toBe(one.replies[0]?.text);
    }
    // A shared start is never changed by a thread's turns.
    const conversation = createConversation({
      machine: echoMachine,
      checkpoints: new MemoryCheckpointStore(),
    });
    await conversation.turn('one', [{ type: 'TEXT', text: 'a' }]);
    await conversation.turn('one', [{ type: 'TEXT', text: 'b' }]);
    const fresh = await conversation.turn('two', [{ type: 'TEXT', text: 'c' }]);
    const alone = await createConversation({
      machine: echoMachine,
      checkpoints: new MemoryCheckpointStore(),
    }).turn('two', [{ type: 'TEXT', text: 'c' }]);
    expect(fresh.context).toEqual(alone.context);
    expect(fresh.replies).toEqual(alone.replies);
  });
});

describe('createConversation with the light path', () => {
  it('runs a custom action once when the turn moves to an actor', async () => {
    const clock = createManualClock();
    const conversation = createConversation({
      machine: sinkMachine,
      checkpoints: new MemoryCheckpointStore(),
      clock,
    });
    const before = customActionCalls;
    // A → b (n = 1, odd: stays); F runs the custom action, so the turn needs an actor.
    const result = await conversation.turn('t', [{ type: 'A' }, { type: 'C' }, { type: 'F' }]);
    expect(customActionCalls - before).toBe(1);
    expect(result.state).toBe('b');
    expect(result.replies.map((reply) => reply.text)).toEqual(['started']);
    const next = await conversation.turn('t', [{ type: 'A' }]);
    expect(next.state).toBe('a');
    expect(next.replies.map((reply) => reply.text)).toEqual(['enqueued', 'c3']);
    expect(next.version).toBe(2);
  });

  it('keeps the machine error of an assigner that throws (the actor words it)', async () => {
    const failing = withEscalation(
      setup({ types: { events: {} as { type: 'BOOM' } | EscalateEvent } }).createMachine({
        initial: 'on',
        context: { x: 0 },
        states: {
          on: {
            on: {
              BOOM: {
                actions: assign(() => {
                  throw new Error('assigner failed');
                }),
              },
            },
          },
          human: {},
        },
      }),
      { handoffState: 'human' },
    );
    const conversation = createConversation({ machine: failing, checkpoints: new MemoryCheckpointStore() });
    await expect(conversation.turn('t', [{ type: 'BOOM' }])).rejects.toMatchObject({ code: 'MACHINE_ERROR' });
  });
});
