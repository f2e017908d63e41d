import { type BotMessage, type EscalateEvent, withEscalation } from '@botkeel/core';
import { assign, emit, setup } from 'xstate';

/**
 * A one-state chat machine with a handoff state: every TEXT counts a turn and emits one reply, whose
 * text `reply` makes from the turn count (after this turn) and the event's text.
 */
export function talkingMachine(reply: (turns: number, text: string) => string) {
  return withEscalation(
    setup({
      types: {
        context: {} as { turns: number },
        events: {} as { type: 'TEXT'; text: string } | EscalateEvent,
        emitted: {} as { type: 'reply'; text: string } | { type: 'escalation'; reason: string },
      },
    }).createMachine({
      context: { turns: 0 },
      initial: 'talking',
      states: {
        talking: {
          on: {
            TEXT: {
              actions: [
                assign({ turns: ({ context }) => context.turns + 1 }),
                emit(({ context, event }) => ({
                  type: 'reply' as const,
                  text: reply(context.turns, event.text),
                })),
              ],
            },
          },
        },
        human: {},
      },
    }),
    { handoffState: 'human' },
  );
}

/** A text message from user-1 in chat-1 (update `update-1`). */
export const helloMessage: BotMessage = {
  channel: 'test',
  chatId: 'chat-1',
  userId: 'user-1',
  messageId: '1',
  updateKey: 'update-1',
  text: 'hi',
  attachments: [],
  receivedAt: 0,
};
