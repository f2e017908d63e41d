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
 * holds is renewed or released); instance B, on the same stores, is handed the batch once its lease
 * runs out. Resolves the time from A's death to B's reply, and the records' lease lengths A asked for.
 */
async function takeOverAfterCrash(
  makeIdempotency: (clock: ManualClock) => IdempotencyStore,
): Promise<{ replyAfterMs: number; replies: string[]; turnLeaseMs: number | undefined }> {
  const clock = createManualClock(1_000_000);
  const recorded = makeIdempotency(clock);
  let turnLeaseMs: number | undefined;
  let turnKey = '';
  const idempotency: IdempotencyStore = {
    begin: (key, options) => {
      if (key.endsWith(':turn')) {
        turnLeaseMs ??= options.leaseMs;
        turnKey = key;
      }
      return recorded.begin(key, options);
    },
    complete: (key, token, result, options) => recorded.complete(key, token, result, options),
    release: (key, token) => recorded.release(key, token),
    ...(recorded.extend === undefined
      ? {}
      : {
          extend: (key, token, options) => recorded.extend?.(key, token, options) ?? Promise.resolve(false),
        }),
  };
  const shared = {
    dedupe: new MemoryDedupeStore({ clock }),
    idempotency,
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
  // A lives on for a while (renewing what it holds), then dies mid-turn.
  await clock.advanceAsync(45_000);
  // Still A's while A lives, past the first lease: nobody else may start the turn.
  expect((await recorded.begin(turnKey, { leaseMs: 1 })).status).toBe('in-progress');
  a.kill();
  const diedAtMs = clock.now();

  const botB = instance('B', (text) => Promise.resolve(`answer to ${text}`), clock);
  botB.start();
  for (let step = 0; step < 3_000 && replies.length === 0; step++) await clock.advanceAsync(100);
  const replyAfterMs = clock.now() - diedAtMs;
  await clock.advanceAsync(5_000);
  await botB.stop({ deadlineMs: 1_000 });
  return { replyAfterMs, replies, turnLeaseMs };
}

describe('the records of a turn whose instance died', () => {
  it('lapse one chat-lock lease after its last renewal when the store can extend them', async () => {
    const { replyAfterMs, replies, turnLeaseMs } = await takeOverAfterCrash(
      (clock) => new MemoryIdempotencyStore({ clock }),
    );
    // The chat lock's lease (the debounce lease here, 30 s), extended while A was alive: A ran 45 s.
    expect(turnLeaseMs).toBe(30_000);
    expect(replies).toEqual(['B: #1 answer to hi']);
    expect(replyAfterMs).toBeLessThanOrEqual(31_000);
  });

  it('hold the turn for the 120 s lease when the store cannot extend them', async () => {
    const { replyAfterMs, replies, turnLeaseMs } = await takeOverAfterCrash((clock) =>
      withoutExtend(new MemoryIdempotencyStore({ clock })),
    );
    expect(turnLeaseMs).toBe(120_000);
    expect(replies).toEqual(['B: #1 answer to hi']);
    // Begun when A's turn started, 45 s before A died: B waits out the rest of the 120 s.
    expect(replyAfterMs).toBeGreaterThanOrEqual(74_000);
    expect(replyAfterMs).toBeLessThanOrEqual(76_000);
  });
});
