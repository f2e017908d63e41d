import { MemoryIdempotencyStore, createManualClock } from '@botkeel/core';
import { jsonResultSerializer, type RunOnceSettings } from '../../src/idempotency/run-once.js';

/** A manual clock, a memory store on it, and runOnce settings (ttl 60 s, lease 1 s, poll 100 ms). */
export function runOnceSetup() {
  const clock = createManualClock(0);
  const store = new MemoryIdempotencyStore({ clock });
  const settings: RunOnceSettings<unknown> = {
    ttlMs: 60_000,
    leaseMs: 1_000,
    pollIntervalMs: 100,
    clock,
    serializer: jsonResultSerializer,
  };
  return { clock, store, settings };
}
