import { describe, expect, it } from 'vitest';
import { createManualClock, type FloodControl, MemoryFloodControl } from '@botkeel/core';
import { floodControlConformance } from '@botkeel/core/testing';
import { gcraStep } from '../../src/flood-control/gcra.js';

const shared = new Map<string, FloodControl>();

floodControlConformance(({ clock, limits, namespace }) => {
  const existing = shared.get(namespace);
  if (existing !== undefined) return existing;
  const store = new MemoryFloodControl({ clock, limits });
  shared.set(namespace, store);
  return store;
});

describe('MemoryFloodControl', () => {
  it('refuses invalid limits naming the field', () => {
    expect(
      () => new MemoryFloodControl({ limits: { global: { limit: 0, windowMs: 1_000, burst: 1 } } }),
    ).toThrow(/MemoryFloodControl: limits\.global\.limit/);
  });

  it('rejects with ABORTED when the signal is already aborted', async () => {
    const flood = new MemoryFloodControl({ clock: createManualClock(0) });
    await expect(
      flood.acquire({ chatId: '1', chatKind: 'private' }, { signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('forgets idle chats once it tracks many, keeping memory bounded', async () => {
    const clock = createManualClock(0);
    const flood = new MemoryFloodControl({
      clock,
      limits: { global: { limit: 1_000_000, windowMs: 1_000, burst: 1_000_000 } },
    });
    for (let index = 0; index < 10_050; index += 1)
      await flood.acquire({ chatId: String(index), chatKind: 'private' });
    clock.advance(10_000);
    await flood.acquire({ chatId: 'x', chatKind: 'private' });
    expect((flood as unknown as { chatTatMs: Map<string, number> }).chatTatMs.size).toBe(1);
  });

  it('gcraStep spaces sends by windowMs / limit after the burst', () => {
    const budget = { limit: 4, windowMs: 1_000, burst: 2 };
    const first = gcraStep(budget, 0, 0);
    const second = gcraStep(budget, first.nextTatMs, 0);
    const third = gcraStep(budget, second.nextTatMs, 0);
    expect([first.waitMs, second.waitMs, third.waitMs]).toEqual([0, 0, 250]);
  });
});
