import { MemoryLockStore, createChatLock, createManualClock } from '@botkeel/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('createChatLock across instances (property)', () => {
  it('never runs two turns of one chat at once across three instances; fencing tokens grow per chat', async () => {
    const turnArbitrary = fc.record({
      chat: fc.constantFrom('1', '2'),
      instance: fc.integer({ min: 0, max: 2 }),
      durationMs: fc.integer({ min: 0, max: 900 }),
      submitAtMs: fc.integer({ min: 0, max: 1_000 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(turnArbitrary, { minLength: 1, maxLength: 12 }), async (turns) => {
        const clock = createManualClock(0);
        const locks = new MemoryLockStore({ clock });
        // Leases far shorter than the longest turn: only renewal keeps them.
        const instances = [0, 1, 2].map(() =>
          createChatLock({
            locks,
            clock,
            leaseMs: 300,
            renewEveryMs: 100,
            retryDelayMs: 25,
            acquireTimeoutMs: 60_000,
          }),
        );
        const running = new Map<string, number>();
        const tokens = new Map<string, number[]>();
        let overlaps = 0;
        const done: Array<Promise<unknown>> = [];
        for (const turn of turns) {
          clock.setTimeout(() => {
            const instance = instances[turn.instance]!;
            done.push(
              instance.run(turn.chat, async ({ fencingToken }) => {
                const now = (running.get(turn.chat) ?? 0) + 1;
                if (now > 1) overlaps += 1;
                running.set(turn.chat, now);
                tokens.set(turn.chat, [...(tokens.get(turn.chat) ?? []), fencingToken]);
                await new Promise<void>((resolve) => clock.setTimeout(resolve, turn.durationMs));
                running.set(turn.chat, (running.get(turn.chat) ?? 1) - 1);
              }),
            );
          }, turn.submitAtMs);
        }
        await clock.runAllAsync(100_000);
        const outcomes = await Promise.allSettled(done);
        expect(outcomes.filter((outcome) => outcome.status === 'rejected')).toEqual([]);
        expect(overlaps).toBe(0);
        for (const chatTokens of tokens.values()) {
          for (let index = 1; index < chatTokens.length; index += 1) {
            expect(chatTokens[index]).toBeGreaterThan(chatTokens[index - 1]!);
          }
        }
        expect(locks.size).toBe(0);
        for (const instance of instances) expect(instance.queue.size).toBe(0);
      }),
      { numRuns: 40 },
    );
  });
});
