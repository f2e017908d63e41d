import { MemoryDebounceStore } from '@botkeel/core';
import { debounceStoreConformance } from '@botkeel/core/testing';
import { describe, expect, it } from 'vitest';

debounceStoreConformance(() => new MemoryDebounceStore(), { name: 'memory' });

describe('MemoryDebounceStore', () => {
  it('keeps due order and every item while many rescheduled keys pile up stale heap entries', async () => {
    const store = new MemoryDebounceStore();
    const window = { quietMs: 100, maxWaitMs: 100_000, maxItems: 1_000 };
    const keys = Array.from({ length: 100 }, (_, index) => `chat-${index}`);
    // Every push moves the key's due time, leaving the previous heap entry stale.
    for (let round = 0; round < 50; round += 1) {
      for (const [index, key] of keys.entries())
        await store.push(key, `${round}`, window, round * 1_000 + index);
    }
    const claimed: { key: string; items: readonly string[]; dueAtMs: number }[] = [];
    for (;;) {
      const batches = await store.claimDue({ nowMs: 60_000, leaseMs: 1_000, limit: 7 });
      if (batches.length === 0) break;
      claimed.push(...batches);
    }
    expect(claimed.map((batch) => batch.key)).toEqual(keys);
    expect(claimed.map((batch) => batch.dueAtMs)).toEqual(keys.map((_, index) => 49_000 + index + 100));
    for (const batch of claimed)
      expect(batch.items).toEqual(Array.from({ length: 50 }, (_, round) => `${round}`));
  });
});
