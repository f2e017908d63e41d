import { MemoryCheckpointStore } from '@botkeel/core';
import { describe, expect, it } from 'vitest';

describe('MemoryCheckpointStore', () => {
  it('keeps 10 versions per thread by default', async () => {
    const store = new MemoryCheckpointStore();
    for (let version = 1; version <= 15; version += 1) {
      await store.save(
        'chat:1',
        { version },
        { expectedVersion: version - 1, machineVersion: 1, nowMs: version },
      );
    }
    const history = await store.history('chat:1', 100);
    expect(history.map((checkpoint) => checkpoint.version)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
  });

  it('rejects a snapshot that is not plain JSON without storing anything', async () => {
    const store = new MemoryCheckpointStore();
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    await expect(
      store.save('chat:1', cyclic, { expectedVersion: 0, machineVersion: 1, nowMs: 0 }),
    ).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
    await expect(
      store.save('chat:1', undefined, { expectedVersion: 0, machineVersion: 1, nowMs: 0 }),
    ).rejects.toMatchObject({
      code: 'INVALID_OPTIONS',
    });
    expect(await store.load('chat:1')).toBeUndefined();
  });

  it('rejects invalid save options with a message naming the field', async () => {
    const store = new MemoryCheckpointStore();
    await expect(
      store.save('chat:1', {}, { expectedVersion: -1, machineVersion: 1, nowMs: 0 }),
    ).rejects.toThrow(/expectedVersion/);
    await expect(
      store.save('chat:1', {}, { expectedVersion: 0, machineVersion: 1, nowMs: 0, historyLimit: 0 }),
    ).rejects.toThrow(/historyLimit/);
  });

  it('rejects an invalid historyLimit option at construction', () => {
    expect(() => new MemoryCheckpointStore({ historyLimit: 0 })).toThrow(/historyLimit/);
  });
});
