import {
  type BotMessage,
  type OutgoingMessage,
  MemoryCheckpointStore,
  MemoryDebounceStore,
  MemoryDedupeStore,
  MemoryIdempotencyStore,
  MemoryLockStore,
  createBot,
  createConversation,
  currentContext,
} from '@botkeel/core';
import { createManualClock } from '@botkeel/core/testing';
import { describe, expect, it } from 'vitest';
import { chatMachine } from './chat-machine.js';

const message = (chatId: string, userId: string, updateKey: string): BotMessage => ({
  channel: 'test',
  chatId,
  userId,
  messageId: updateKey,
  updateKey,
  text: 'hello',
  attachments: [],
  receivedAt: 0,
});

describe("a turn's context", () => {
  it("is its own batch's, even when another chat's update started the claim", async () => {
    const clock = createManualClock(1_000_000);
    const seen: { chatId: string; context: ReturnType<typeof currentContext> }[] = [];
    const bot = createBot({
      channel: {
        name: 'test',
        send(outgoing: OutgoingMessage) {
          seen.push({ chatId: outgoing.chatId, context: currentContext() });
          return Promise.resolve();
        },
      },
      conversation: createConversation({
        machine: chatMachine({ answer: (text) => Promise.resolve(`you said ${text}`) }),
        checkpoints: new MemoryCheckpointStore(),
        clock,
      }),
      toEvents: (batch) => [{ type: 'TEXT', text: batch.text, count: batch.messages.length }],
      dedupe: new MemoryDedupeStore({ clock }),
      idempotency: new MemoryIdempotencyStore({ clock }),
      locks: new MemoryLockStore({ clock }),
      debounce: {
        store: new MemoryDebounceStore(),
        quietMs: 100,
        maxWaitMs: 100,
        maxItems: 10,
        pollMs: 60_000,
      },
      clock,
    });
    bot.start();
    // Both bursts fall due at the same time: the one wake-up timer, armed in A's update, claims both.
    await bot.handle(message('A', 'user-a', 'u:1'));
    await bot.handle(message('B', 'user-b', 'u:2'));
    await clock.advanceAsync(100);
    const forA = seen.find((entry) => entry.chatId === 'A');
    expect(forA?.context).toMatchObject({ chatId: 'A', userId: 'user-a', updateId: 'u:1' });
    const forB = seen.find((entry) => entry.chatId === 'B');
    expect(forB?.context).toMatchObject({ chatId: 'B', userId: 'user-b', updateId: 'u:2' });
    await bot.stop({ deadlineMs: 1_000 });
  });
});
