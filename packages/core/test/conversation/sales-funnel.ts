import {
  type ConversationReply,
  type EscalateEvent,
  type EscalationEmitted,
  withEscalation,
} from '@botkeel/core';
import { assign, emit, fromPromise, setup } from 'xstate';

/** The events of the sample funnel. */
export type FunnelEvent =
  | { type: 'TEXT'; text: string }
  | { type: 'BUDGET'; amount: number }
  | { type: 'TIMELINE'; weeks: number }
  | { type: 'ACCEPT' }
  | { type: 'OBJECT' }
  | { type: 'RESOLVE' }
  | { type: 'PAY' }
  | { type: 'CHOOSE_DELIVERY' }
  | { type: 'CONFIRM' }
  | { type: 'CANCEL' }
  | EscalateEvent;

/** The context of the sample funnel. */
export interface FunnelContext {
  messages: number;
  budget: number | undefined;
  weeks: number | undefined;
  offer: string | undefined;
  objections: number;
}

/**
 * The sample 8-state sales funnel of the first user (STATE_0_INIT … STATE_7_END) plus the handoff
 * state STATE_ESCALATED. It has a nested state (STATE_2_QUALIFY), a parallel state
 * (STATE_5_CHECKOUT), an invoked promise actor (the LLM offer in STATE_3_OFFER), a wildcard handler
 * and three ESCALATE handlers that try to block escalation (a guard that always passes and keeps
 * the state, a guard on a parallel region, and a guarded root-level one).
 */
export const funnelBase = setup({
  types: {
    context: {} as FunnelContext,
    events: {} as FunnelEvent,
    emitted: {} as ConversationReply | EscalationEmitted,
  },
  actors: {
    offerFromLlm: fromPromise(({ input }: { input: { budget: number | undefined } }) =>
      Promise.resolve(`Our plan for ${input.budget ?? 0} EUR`),
    ),
  },
  guards: {
    isBudgetKnown: ({ context }) => context.budget !== undefined,
    keepsSellingWhileObjecting: () => true,
    neverLetsGo: () => true,
    isTooManyObjections: ({ context }) => context.objections >= 2,
  },
}).createMachine({
  id: 'sales',
  initial: 'STATE_0_INIT',
  context: { messages: 0, budget: undefined, weeks: undefined, offer: undefined, objections: 0 },
  // A root-level guarded ESCALATE that would send the user back to the start.
  on: { ESCALATE: { guard: 'neverLetsGo', target: '.STATE_0_INIT' } },
  states: {
    STATE_0_INIT: {
      on: {
        TEXT: {
          target: 'STATE_1_GREETING',
          actions: assign({ messages: ({ context }) => context.messages + 1 }),
        },
      },
    },
    STATE_1_GREETING: {
      entry: emit({ type: 'reply', text: 'Hello! What is your budget?' }),
      on: {
        TEXT: 'STATE_2_QUALIFY',
        BUDGET: { target: 'STATE_2_QUALIFY', actions: assign({ budget: ({ event }) => event.amount }) },
      },
    },
    STATE_2_QUALIFY: {
      initial: 'askingBudget',
      states: {
        askingBudget: {
          on: {
            BUDGET: { target: 'askingTimeline', actions: assign({ budget: ({ event }) => event.amount }) },
          },
        },
        askingTimeline: {
          entry: emit({ type: 'reply', text: 'When do you need it?' }),
          on: {
            TIMELINE: {
              target: '#sales.STATE_3_OFFER',
              actions: assign({ weeks: ({ event }) => event.weeks }),
            },
          },
        },
      },
    },
    STATE_3_OFFER: {
      initial: 'generating',
      states: {
        generating: {
          invoke: {
            id: 'llm',
            src: 'offerFromLlm',
            input: ({ context }) => ({ budget: context.budget }),
            onDone: {
              target: 'presented',
              actions: [
                assign({ offer: ({ event }) => event.output }),
                emit(({ event }) => ({ type: 'reply', text: event.output })),
              ],
            },
            onError: { target: '#sales.STATE_ESCALATED' },
          },
        },
        presented: { on: { ACCEPT: '#sales.STATE_5_CHECKOUT', OBJECT: '#sales.STATE_4_OBJECTIONS' } },
      },
    },
    STATE_4_OBJECTIONS: {
      entry: assign({ objections: ({ context }) => context.objections + 1 }),
      on: {
        // A guarded ESCALATE that keeps the user in the funnel: it must not win.
        ESCALATE: { guard: 'keepsSellingWhileObjecting', target: 'STATE_4_OBJECTIONS', reenter: true },
        RESOLVE: [{ guard: 'isTooManyObjections', target: 'STATE_6_CONFIRM' }, { target: 'STATE_3_OFFER' }],
        // A wildcard that swallows everything else.
        '*': { target: 'STATE_4_OBJECTIONS' },
      },
    },
    STATE_5_CHECKOUT: {
      type: 'parallel',
      states: {
        payment: {
          initial: 'pending',
          states: {
            pending: {
              on: {
                PAY: 'paid',
                // A guarded ESCALATE inside a parallel region.
                ESCALATE: { guard: 'neverLetsGo', target: 'pending' },
              },
            },
            paid: { type: 'final' },
          },
        },
        delivery: {
          initial: 'choosing',
          states: { choosing: { on: { CHOOSE_DELIVERY: 'chosen' } }, chosen: { type: 'final' } },
        },
      },
      onDone: 'STATE_6_CONFIRM',
    },
    STATE_6_CONFIRM: {
      entry: emit({ type: 'reply', text: 'Shall I confirm the order?' }),
      on: { CONFIRM: 'STATE_7_END', CANCEL: 'STATE_0_INIT' },
    },
    STATE_7_END: {
      entry: emit({ type: 'reply', text: 'Thank you!' }),
      on: { TEXT: 'STATE_1_GREETING' },
    },
    STATE_ESCALATED: {
      entry: emit({ type: 'reply', text: 'A manager will answer you shortly.' }),
    },
  },
});

/** The funnel with ESCALATE from every state. */
export const funnelMachine = withEscalation(funnelBase, { handoffState: 'STATE_ESCALATED' });

/** Sample events for graph traversal (one of each kind; the LLM's result as its done event). */
export const funnelSampleEvents: FunnelEvent[] = [
  { type: 'TEXT', text: 'hi' },
  { type: 'BUDGET', amount: 500 },
  { type: 'TIMELINE', weeks: 2 },
  { type: 'ACCEPT' },
  { type: 'OBJECT' },
  { type: 'RESOLVE' },
  { type: 'PAY' },
  { type: 'CHOOSE_DELIVERY' },
  { type: 'CONFIRM' },
  { type: 'CANCEL' },
];
