import { MemoryCheckpointStore, createConversation, withEscalation } from '@botkeel/core';
import { describe, expect, it } from 'vitest';
import { assign, emit, setup } from 'xstate';

/** Counts TEXT events and answers each with a numbered reply; "bye" ends it, HUMAN is the handoff. */
const counter = withEscalation(
  setup({
    types: {
      context: {} as { seen: string[] },
      events: {} as { type: 'TEXT'; text: string } | { type: 'ESCALATE'; reason?: string },
      emitted: {} as { type: 'reply'; text: string } | { type: 'escalation'; reason: string },
    },
  }).createMachine({
    context: { seen: [] },
    initial: 'talking',
    states: {
      talking: {
        on: {
          TEXT: [
            { guard: ({ event }) => event.text === 'bye', target: 'done' },
            {
              actions: [
                assign({ seen: ({ context, event }) => [...context.seen, event.text] }),
                emit(({ context }) => ({ type: 'reply' as const, text: `reply ${context.seen.length}` })),
              ],
            },
          ],
        },
      },
      done: { type: 'final' },
      human: {},
    },
  }),
  { handoffState: 'human' },
);

const text = (value: string) => [{ type: 'TEXT' as const, text: value }];

describe('turn ids: a turn is applied once per id', () => {
  it('a second turn with the same id applies nothing, saves nothing and answers the first outputs', async () => {
    const checkpoints = new MemoryCheckpointStore();
    const conversation = createConversation({ machine: counter, checkpoints });
    const first = await conversation.turn('t', text('hello'), { turnId: 'batch-1' });
    const again = await conversation.turn('t', text('hello'), { turnId: 'batch-1' });

    expect(first.replies.map((reply) => reply.text)).toEqual(['reply 1']);
    expect(again.replies).toEqual(first.replies);
    expect(again.version).toBe(1);
    expect(again.context).toEqual({ seen: ['hello'] });
    expect((await checkpoints.load('t'))?.version).toBe(1);

    const next = await conversation.turn('t', text('more'), { turnId: 'batch-2' });
    expect(next.replies.map((reply) => reply.text)).toEqual(['reply 2']);
    expect(next.context).toEqual({ seen: ['hello', 'more'] });
  });

  it('turns without an id run every time, and the records stay out of the machine context', async () => {
    const conversation = createConversation({ machine: counter, checkpoints: new MemoryCheckpointStore() });
    await conversation.turn('t', text('a'), { turnId: 'batch-1' });
    await conversation.turn('t', text('a'));
    const third = await conversation.turn('t', text('a'));
    expect(third.context).toEqual({ seen: ['a', 'a', 'a'] });
    expect(third.replies.map((reply) => reply.text)).toEqual(['reply 3']);
    // The record of batch-1 survived the turns without an id.
    expect((await conversation.turn('t', text('a'), { turnId: 'batch-1' })).replies).toEqual([
      { type: 'reply', text: 'reply 1' },
    ]);
  });

  it('remembers the last 8 ids, across a reset', async () => {
    const conversation = createConversation({ machine: counter, checkpoints: new MemoryCheckpointStore() });
    for (let index = 1; index <= 9; index++)
      await conversation.turn('t', text(`m${index}`), { turnId: `b${index}` });
    await conversation.reset('t');
    const replayed = await conversation.turn('t', text('m9'), { turnId: 'b9' });
    expect(replayed.replies.map((reply) => reply.text)).toEqual(['reply 9']);
    expect(replayed.context).toEqual({ seen: [] });
    // b1 is the 9th id back: forgotten, so it runs (on the fresh conversation).
    const forgotten = await conversation.turn('t', text('m1'), { turnId: 'b1' });
    expect(forgotten.context).toEqual({ seen: ['m1'] });
  });

  it('an escalation saved under an id is answered again, not repeated', async () => {
    const conversation = createConversation({ machine: counter, checkpoints: new MemoryCheckpointStore() });
    await conversation.turn('t', text('hi'), { turnId: 'b1' });
    const escalate = [{ type: 'ESCALATE' as const, reason: 'asked' }];
    const first = await conversation.turn('t', escalate, { turnId: 'b2' });
    const again = await conversation.turn('t', escalate, { turnId: 'b2' });
    expect(first.escalation).toEqual({ reason: 'asked' });
    expect(again.escalation).toEqual({ reason: 'asked' });
    expect(again.isHandedOff).toBe(true);
    expect(again.version).toBe(first.version);
  });
});
