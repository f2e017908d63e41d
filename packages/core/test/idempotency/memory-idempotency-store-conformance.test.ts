import { MemoryIdempotencyStore } from '@botkeel/core';
import { idempotencyStoreConformance } from '@botkeel/core/testing';

idempotencyStoreConformance(({ clock }) => new MemoryIdempotencyStore({ clock }), {
  name: 'MemoryIdempotencyStore',
});

idempotencyStoreConformance(() => new MemoryIdempotencyStore(), {
  name: 'MemoryIdempotencyStore on the system clock',
  time: 'real',
  realDurationMs: 30,
});
