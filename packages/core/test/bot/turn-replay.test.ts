import {
  type Channel,
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

describe('a batch delivered again after its turn was saved', () => {
  it('is not applied twice: the checkpoint remembers the batch and replays its reply', async () => {
    const clock = createManualClock(1_000_000);
    const sent: string[] = [];
    let sends = 0;
    const channel: Channel = {
      name: 'test',
      send(outgoing) {
        sends += 1;
        // The channel is down when the reply first goes out: the batch fails after its turn was saved.
        if (sends === 1) return Promise.reject(new Error('channel unavailable'));
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
      idempotency: new MemoryIdempotencyStore({ clock }),
      locks: new MemoryLockStore({ clock }),
      debounce: { store: new MemoryDebounceStore(), quietMs: 100, maxWaitMs: 500, maxItems: 5, pollMs: 100 },
      clock,
    });
    bot.start();
    expect(await bot.handle(message)).toEqual({ status: 'accepted' });
    await until(clock, () => sent.length === 1);
    await clock.advanceAsync(10_000);

    expect(sends).toBe(2);
    expect(sent).toEqual(['turn 1']);
    const checkpoint = await checkpoints.load('chat-1');
    expect(checkpoint?.version).toBe(1);
    expect((checkpoint?.snapshot as { context: { turns: number } }).context.turns).toBe(1);
    await bot.stop();
  });
});
