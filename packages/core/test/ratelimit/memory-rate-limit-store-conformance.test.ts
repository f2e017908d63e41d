import { MemoryRateLimitStore } from '@botkeel/core';
import { rateLimitStoreConformance } from '@botkeel/core/testing';

rateLimitStoreConformance(({ clock }) => new MemoryRateLimitStore({ clock }), {
  name: 'MemoryRateLimitStore',
});

rateLimitStoreConformance(() => new MemoryRateLimitStore(), {
  name: 'MemoryRateLimitStore on the system clock',
  time: 'real',
  realDurationMs: 40,
});
