import {
  type Channel,
  type Clock,
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
import { helloMessage } from '../helpers/talking-machine.js';
import { chatMachine } from './chat-machine.js';

const message = helloMessage;

/** A clock of one instance over the shared manual clock; after `kill()` none of its timers fire (the instance is dead). */
function killableClock(clock: ManualClock): { clock: Clock; kill: () => void } {
  let isDead = false;
  return {
    clock: {
      now: () => clock.now(),
      setTimeout: (callback, delayMs, options) =>
        clock.setTimeout(
          () => {
            if (!isDead) callback();
          },
          delayMs,
          options,
        ),
      clearTimeout: (handle) => clock.clearTimeout(handle),
    },
    kill: () => {
      isDead = true;
    },
  };
}

/** The same memory store without `extend` (a store that cannot extend a record's lease). */
function withoutExtend(inner: IdempotencyStore): IdempotencyStore {
  return {
    begin: (key, options) => inner.begin(key, options),
    complete: (key, token, result, options) => inner.complete(key, token, result, options),
    release: (key, token) => inner.release(key, token),
  };
}

/**
 * Instance A starts the turn and dies in the middle of its LLM call (its timers stop, nothing it
 * holds is renewed or released); instance B, on the same stores and started while A still works,
 * gets the batch once A's leases run out. Resolves B's replies while A lived, and after A's death.
 */
async function takeOverAfterCrash(
  idempotency: (clock: ManualClock) => IdempotencyStore,
): Promise<{ repliesWhileALived: string[]; replyAfterMs: number; replies: string[] }> {
  const clock = createManualClock(1_000_000);
  const shared = {
    dedupe: new MemoryDedupeStore({ clock }),
    idempotency: idempotency(clock),
    locks: new MemoryLockStore({ clock }),
    checkpoints: new MemoryCheckpointStore(),
    debounce: new MemoryDebounceStore(),
  };
  const replies: string[] = [];
  let isAnswering = false;
  const instance = (name: string, answer: (text: string) => Promise<string>, instanceClock: Clock) => {
    const channel: Channel = {
      name: 'test',
      send: (outgoing) => {
        replies.push(`${name}: ${outgoing.text}`);
        return Promise.resolve();
      },
    };
    return createBot({
      channel,
      conversation: createConversation({
        machine: chatMachine({ answer }),
        checkpoints: shared.checkpoints,
        clock: instanceClock,
      }),
      toEvents: (batch) => [{ type: 'TEXT', text: batch.text, count: batch.messages.length }],
      dedupe: shared.dedupe,
      idempotency: shared.idempotency,
      locks: shared.locks,
      debounce: {
        store: shared.debounce,
        quietMs: 100,
        maxWaitMs: 500,
        maxItems: 5,
        pollMs: 100,
        leaseMs: 30_000,
      },
      clock: instanceClock,
    });
  };
  const a = killableClock(clock);
  const botA = instance(
    'A',
    () => {
      isAnswering = true;
      return new Promise<string>(() => undefined); // the LLM call A never finishes
    },
    a.clock,
  );
  botA.start();
  expect(await botA.handle(message)).toEqual({ status: 'accepted' });
  for (let step = 0; step < 100 && !isAnswering; step++) await clock.advanceAsync(100);
  expect(isAnswering).toBe(true);
  const botB = instance('B', (text) => Promise.resolve(`answer to ${text}`), clock);
  botB.start();
  // A lives on for a while, renewing what it holds past the first lease: B may not start the turn.
  await clock.advanceAsync(45_000);
  const repliesWhileALived = [...replies];
  a.kill();
  const diedAtMs = clock.now();
  for (let step = 0; step < 3_000 && replies.length === 0; step++) await clock.advanceAsync(100);
  const replyAfterMs = clock.now() - diedAtMs;
  await clock.advanceAsync(5_000);
  await botB.stop({ deadlineMs: 1_000 });
  return { repliesWhileALived, replyAfterMs, replies };
}

describe('a turn whose instance died', () => {
  it.each([
    ['can extend its records', (clock: ManualClock) => new MemoryIdempotencyStore({ clock })],
    [
      'cannot extend its records',
      (clock: ManualClock) => withoutExtend(new MemoryIdempotencyStore({ clock })),
    ],
  ])(
    'is taken over one chat-lock lease after its last renewal when the idempotency store %s',
    async (_name, idempotency) => {
      const { repliesWhileALived, replyAfterMs, replies } = await takeOverAfterCrash(idempotency);
      expect(repliesWhileALived).toEqual([]);
      expect(replies).toEqual(['B: #1 answer to hi']);
      // The chat lock's lease (the debounce lease here, 30 s), renewed while A was alive: A ran 45 s.
      expect(replyAfterMs).toBeGreaterThanOrEqual(19_000);
      expect(replyAfterMs).toBeLessThanOrEqual(31_000);
    },
  );
});
