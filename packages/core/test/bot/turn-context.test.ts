import {
  BotkeelError,
  type BotMessage,
  type LockStore,
  type OutgoingMessage,
  MemoryDebounceStore,
  MemoryDedupeStore,
  MemoryIdempotencyStore,
  MemoryLockStore,
  createBot,
  currentContext,
} from '@botkeel/core';
import { createManualClock } from '@botkeel/core/testing';
import { describe, expect, it } from 'vitest';
import { youSaidConversation } from './chat-machine.js';

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
      ...youSaidConversation(clock),
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

  it("hands a reply's send the turn's signal, kept by a spread of the options, aborted when the chat lease is lost", async () => {
    const clock = createManualClock(1_000_000);
    const memoryLocks = new MemoryLockStore({ clock });
    const locks: LockStore = {
      acquire: (key, options) => memoryLocks.acquire(key, options),
      release: (lease) => memoryLocks.release(lease),
      // Every renewal is refused: the lease counts as lost at the first one.
      renew: () => Promise.resolve(undefined),
    };
    const reasons: unknown[] = [];
    const bot = createBot({
      channel: {
        name: 'test',
        async send(_outgoing: OutgoingMessage, options?: { signal?: AbortSignal }) {
          const { signal } = { ...options };
          if (signal === undefined) throw new Error('no signal');
          await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
          reasons.push(signal.reason);
        },
      },
      ...youSaidConversation(clock),
      dedupe: new MemoryDedupeStore({ clock }),
      idempotency: new MemoryIdempotencyStore({ clock }),
      locks,
      debounce: {
        store: new MemoryDebounceStore(),
        quietMs: 100,
        maxWaitMs: 100,
        maxItems: 10,
        leaseMs: 3_000,
        pollMs: 60_000,
      },
      clock,
    });
    bot.start();
    await bot.handle(message('A', 'user-a', 'u:1'));
    await clock.advanceAsync(100);
    expect(reasons).toEqual([]);
    await clock.advanceAsync(1_000);
    expect(reasons).toHaveLength(1);
    expect(BotkeelError.hasCode(reasons[0], 'LOCK_LOST')).toBe(true);
    await bot.stop({ deadlineMs: 1_000, drain: false });
  });
});
