import { MemoryLockStore } from '@botkeel/core';
import { lockStoreConformance } from '@botkeel/core/testing';

lockStoreConformance(({ clock }) => new MemoryLockStore({ clock }), { name: 'MemoryLockStore' });

lockStoreConformance(() => new MemoryLockStore(), {
  name: 'MemoryLockStore on the system clock',
  time: 'real',
  realDurationMs: 30,
});
