import { MemoryCheckpointStore, createConversation, withEscalation } from '@botkeel/core';
import { createActor, createMachine, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { funnelMachine } from './sales-funnel.js';

describe('withEscalation', () => {
  it('refuses a handoff state that is not a top-level state', () => {
    const machine = createMachine({
      id: 'm',
      initial: 'a',
      states: { a: { initial: 'b', states: { b: {} } } },
    });
    expect(() => withEscalation(machine, { handoffState: 'b' })).toThrow(
      /handoffState: "b" is not a top-level state/,
    );
  });

  it('refuses a handoff state with transitions or children', () => {
    const machine = createMachine({
      id: 'm',
      initial: 'a',
      states: { a: {}, handoff: { on: { BACK: 'a' } } },
    });
    expect(() => withEscalation(machine, { handoffState: 'handoff' })).toThrow(/without "on"/);
  });

  it('keeps a custom id of the handoff state and the machine implementations', () => {
    const machine = withEscalation(
      setup({ guards: { isOpen: () => true } }).createMachine({
        id: 'm',
        initial: 'a',
        states: { a: { on: { GO: { guard: 'isOpen', target: 'b' } } }, b: {}, human: { id: 'to-human' } },
      }),
      { handoffState: 'human' },
    );
    const actor = createActor(machine).start();
    actor.send({ type: 'GO' });
    expect(actor.getSnapshot().value).toBe('b');
    actor.send({ type: 'ESCALATE' });
    expect(actor.getSnapshot().value).toBe('human');
    expect(actor.getSnapshot().status).toBe('done');
  });

  it('survives machine.provide(): createConversation accepts the provided machine', () => {
    const provided = funnelMachine.provide({ guards: { neverLetsGo: () => true } });
    const conversation = createConversation({ machine: provided, checkpoints: new MemoryCheckpointStore() });
    expect(conversation.handoffState).toBe('STATE_ESCALATED');
  });

  it('is required by createConversation: a nested state with a guarded ESCALATE is named', () => {
    const handBuilt = createMachine({
      id: 'm',
      initial: 'a',
      on: { ESCALATE: '.handoff' },
      states: {
        a: {
          initial: 'inner',
          states: { inner: { on: { ESCALATE: { guard: () => false, target: 'inner' } } } },
        },
        handoff: { type: 'final' },
      },
    });
    expect(() =>
      createConversation({ machine: handBuilt, checkpoints: new MemoryCheckpointStore() }),
    ).toThrow(/state "m\.a" does not send ESCALATE/);
  });
});
