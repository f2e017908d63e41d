import { MemoryDedupeStore } from '@botkeel/core';
import { dedupeStoreConformance } from '@botkeel/core/testing';

dedupeStoreConformance(({ clock }) => new MemoryDedupeStore({ clock }), { name: 'MemoryDedupeStore' });

dedupeStoreConformance(() => new MemoryDedupeStore(), {
  name: 'MemoryDedupeStore on the system clock',
  time: 'real',
  realDurationMs: 30,
});
