import {
  type Channel,
  type IdempotencyStore,
  MemoryCheckpointStore,
  MemoryDebounceStore,
  MemoryDedupeStore,
  MemoryIdempotencyStore,
  MemoryLockStore,
  createBot,
  createConversation,
} from '@botkeel/core';
import { createManualClock, type ManualClock } from '@botkeel/core/testing';
import { describe, expect, it } from 'vitest';
import { helloMessage, talkingMachine } from '../helpers/talking-machine.js';

/** Counts the TEXT events it was given (a turn applied twice shows as 2) and answers each once. */
const counting = talkingMachine((turns) => `turn ${turns}`);
const message = helloMessage;

async function until(clock: ManualClock, done: () => boolean, steps = 300): Promise<void> {
  for (let step = 0; step < steps && !done(); step++) await clock.advanceAsync(100);
  expect(done()).toBe(true);
}

describe('a turn whose record was lost', () => {
  it('is not applied twice when its batch is delivered again (the checkpoint remembers the batch)', async () => {
    const clock = createManualClock(1_000_000);
    const inner = new MemoryIdempotencyStore({ clock });
    let hasLostRecord = false;
    // The store "restarts" right after the turn: recording its result fails and the key is free again
    // (a Redis restart without the write, or a crash after the checkpoint save and a lapsed lease).
    const idempotency: IdempotencyStore = {
      begin: (key, options) => inner.begin(key, options),
      release: (key, token) => inner.release(key, token),
      async complete(key, token, result, options) {
        if (key.endsWith(':turn') && !hasLostRecord) {
          hasLostRecord = true;
          await inner.release(key, token);
          throw new Error('store restarted');
        }
        return inner.complete(key, token, result, options);
      },
    };
    const sent: string[] = [];
    let sends = 0;
    const channel: Channel = {
      name: 'test',
      send(outgoing) {
        sends += 1;
        // The store is still down when the reply goes out: the batch fails and comes back.
        if (sends === 1) return Promise.reject(new Error('store unavailable'));
        sent.push(outgoing.text);
        return Promise.resolve();
      },
    };
    const checkpoints = new MemoryCheckpointStore();
    const bot = createBot({
      channel,
      conversation: createConversation({ machine: counting, checkpoints, clock }),
      toEvents: (batch) => [{ type: 'TEXT', text: batch.text }],
      dedupe: new MemoryDedupeStore({ clock }),
      idempotency,
      locks: new MemoryLockStore({ clock }),
      debounce: { store: new MemoryDebounceStore(), quietMs: 100, maxWaitMs: 500, maxItems: 5, pollMs: 100 },
      clock,
    });
    bot.start();
    expect(await bot.handle(message)).toEqual({ status: 'accepted' });
    await until(clock, () => sent.length === 1);
    await clock.advanceAsync(10_000);

    expect(hasLostRecord).toBe(true);
    expect(sent).toEqual(['turn 1']);
    const checkpoint = await checkpoints.load('chat-1');
    expect(checkpoint?.version).toBe(1);
    expect((checkpoint?.snapshot as { context: { turns: number } }).context.turns).toBe(1);
    await bot.stop();
  });
});
