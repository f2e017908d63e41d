import {
  type BotMessage,
  type Channel,
  type OutgoingMessage,
  MemoryCheckpointStore,
  MemoryDebounceStore,
  MemoryDedupeStore,
  MemoryIdempotencyStore,
  MemoryLockStore,
  createBot,
  createConversation,
  withEscalation,
} from '@botkeel/core';
import { createManualClock, type ManualClock } from '@botkeel/core/testing';
import { describe, expect, it } from 'vitest';
import { assign, emit, setup } from 'xstate';

/** Answers every TEXT with three replies and counts its turns (a second run would show as turn 2). */
const threeReplies = withEscalation(
  setup({
    types: {
      context: {} as { turns: number },
      events: {} as { type: 'TEXT'; text: string } | { type: 'ESCALATE'; reason?: string },
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
              emit(({ context }) => ({ type: 'reply' as const, text: `turn ${context.turns}: one` })),
              emit(({ context }) => ({ type: 'reply' as const, text: `turn ${context.turns}: two` })),
              emit(({ context }) => ({ type: 'reply' as const, text: `turn ${context.turns}: three` })),
            ],
          },
        },
      },
      human: {},
    },
  }),
  { handoffState: 'human' },
);

function message(text: string): BotMessage {
  return {
    channel: 'test',
    chatId: 'chat-1',
    userId: 'user-1',
    messageId: '1',
    updateKey: 'update-1',
    text,
    attachments: [],
    receivedAt: 0,
  };
}

async function until(clock: ManualClock, done: () => boolean, steps = 200): Promise<void> {
  for (let step = 0; step < steps && !done(); step++) await clock.advanceAsync(100);
  expect(done()).toBe(true);
}

describe('reply records of a turn', () => {
  it('after a failure on the 3rd of 3 replies, the redelivered batch sends only the 3rd, and the turn runs once', async () => {
    const clock = createManualClock(1_000_000);
    const sent: OutgoingMessage[] = [];
    const attempts: string[] = [];
    let hasFailed = false;
    const channel: Channel = {
      name: 'test',
      send(outgoing) {
        attempts.push(outgoing.text);
        // The process "dies" while sending the third reply: the first two are out, the third is not.
        if (outgoing.text.endsWith('three') && !hasFailed) {
          hasFailed = true;
          return Promise.reject(new Error('connection reset'));
        }
        sent.push(outgoing);
        return Promise.resolve();
      },
    };
    const checkpoints = new MemoryCheckpointStore();
    const bot = createBot({
      channel,
      conversation: createConversation({ machine: threeReplies, checkpoints, clock }),
      toEvents: (batch) => [{ type: 'TEXT', text: batch.text }],
      dedupe: new MemoryDedupeStore({ clock }),
      idempotency: new MemoryIdempotencyStore({ clock }),
      locks: new MemoryLockStore({ clock }),
      debounce: { store: new MemoryDebounceStore(), quietMs: 100, maxWaitMs: 500, maxItems: 5, pollMs: 100 },
      clock,
    });
    bot.start();
    expect(await bot.handle(message('hi'))).toEqual({ status: 'accepted' });
    await until(clock, () => sent.length === 3);
    await clock.advanceAsync(10_000);
    expect(sent.map((outgoing) => outgoing.text)).toEqual(['turn 1: one', 'turn 1: two', 'turn 1: three']);
    expect(attempts).toEqual(['turn 1: one', 'turn 1: two', 'turn 1: three', 'turn 1: three']);
    // Every delivery of the batch carries the same keys, so the channel can dedupe as well.
    expect(new Set(sent.map((outgoing) => outgoing.idempotencyKey)).size).toBe(3);
    expect((await checkpoints.load('chat-1'))?.version).toBe(1);
    await bot.stop();
  });
});
