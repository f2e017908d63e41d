import {
  type BotBatch,
  type Clock,
  type ConversationReply,
  type EscalateEvent,
  type EscalationEmitted,
  MemoryCheckpointStore,
  createConversation,
  withEscalation,
} from '@botkeel/core';
import { assign, emit, fromPromise, setup } from 'xstate';

/** The events of the test chat machine. */
export type ChatEvent = { type: 'TEXT'; text: string; count: number } | EscalateEvent;

/** What the LLM step of the test machine does; tests replace it to slow it down or fail it. */
export interface ChatMachineHooks {
  answer: (text: string) => Promise<string>;
}

/**
 * A small chat machine: every TEXT event runs an invoked "LLM" actor and emits its answer; the
 * text "order" ends the conversation (final state); HUMAN is the handoff state.
 */
export function chatMachine(hooks: ChatMachineHooks) {
  const base = setup({
    types: {
      context: {} as { turns: number; transcript: { from: 'user' | 'bot'; text: string }[] },
      events: {} as ChatEvent,
      emitted: {} as ConversationReply | EscalationEmitted,
    },
    actors: {
      llm: fromPromise(({ input }: { input: { text: string } }) => hooks.answer(input.text)),
    },
  }).createMachine({
    id: 'chat',
    initial: 'idle',
    context: { turns: 0, transcript: [] },
    states: {
      idle: {
        on: {
          TEXT: [
            { guard: ({ event }) => event.text === 'order', target: 'done' },
            {
              target: 'thinking',
              actions: assign({
                turns: ({ context }) => context.turns + 1,
                transcript: ({ context, event }) => [
                  ...context.transcript,
                  { from: 'user' as const, text: event.text },
                ],
              }),
            },
          ],
        },
      },
      thinking: {
        invoke: {
          src: 'llm',
          input: ({ context }) => ({ text: context.transcript.at(-1)?.text ?? '' }),
          onDone: {
            target: 'idle',
            actions: [
              assign({
                transcript: ({ context, event }) => [
                  ...context.transcript,
                  { from: 'bot' as const, text: event.output },
                ],
              }),
              emit(({ context, event }) => ({
                type: 'reply' as const,
                text: `#${context.turns} ${event.output}`,
              })),
            ],
          },
        },
      },
      done: { type: 'final', entry: emit({ type: 'reply' as const, text: 'order placed' }) },
      HUMAN: { entry: emit({ type: 'reply' as const, text: 'a manager will answer' }) },
    },
  });
  return withEscalation(base, { handoffState: 'HUMAN' });
}

/**
 * `createBot`'s conversation and `toEvents` for the chat machine answering "you said …" (a memory
 * checkpoint store on `clock`): the part every pipeline test shares.
 */
export function youSaidConversation(clock: Clock) {
  return {
    conversation: createConversation({
      machine: chatMachine({ answer: (text) => Promise.resolve(`you said ${text}`) }),
      checkpoints: new MemoryCheckpointStore(),
      clock,
    }),
    toEvents: (batch: BotBatch): ChatEvent[] => [
      { type: 'TEXT', text: batch.text, count: batch.messages.length },
    ],
  };
}
