import { z } from 'zod';
import { type Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { parseOptions } from '../errors/parse-options.js';
import {
  type ClaimOptions,
  type ClaimResult,
  type CompleteOptions,
  type DedupeStore,
} from './dedupe-store.js';
import { ExpiringMap } from './expiring-map.js';
import { assertPositiveDuration, settle } from './assert-duration.js';

/** Options of {@link MemoryDedupeStore}. */
export interface MemoryDedupeStoreOptions {
  /** The source of "now" for leases and TTLs. Default {@link systemClock}. */
  clock?: Clock;
  /**
   * The most keys held at once (leased or completed). Expired keys are swept as new ones arrive;
   * when the store is full of live keys, the oldest one is forgotten (it could then be processed
   * again). Default 1,000,000 (roughly 150 MB with short keys).
   */
  maxKeys?: number;
}

const optionsSchema = z.object({
  clock: z.custom<Clock>((value) => typeof (value as Clock | undefined)?.now === 'function').optional(),
  maxKeys: z.number().int().positive().optional(),
});

interface DedupeEntry {
  readonly isDone: boolean;
  readonly expiresAt: number;
}

/**
 * The in-process {@link DedupeStore}: right for one instance (the embedded default) and for tests.
 * Memory stays bounded: expired keys are swept as new ones arrive, and `maxKeys` caps the total.
 * Use the Redis or Postgres store when several instances receive updates.
 *
 * @example
 * ```ts
 * const dedupe = new MemoryDedupeStore({ maxKeys: 100_000 });
 * if ((await dedupe.claim('tg:1:42', { leaseMs: 30_000 })) === 'claimed') {
 *   await dedupe.complete('tg:1:42', { ttlMs: 86_400_000 });
 * }
 * ```
 */
export class MemoryDedupeStore implements DedupeStore {
  private readonly clock: Clock;
  private readonly entries: ExpiringMap<DedupeEntry>;

  constructor(options: MemoryDedupeStoreOptions = {}) {
    const parsed = parseOptions('MemoryDedupeStore', optionsSchema, options);
    this.clock = parsed.clock ?? systemClock;
    this.entries = new ExpiringMap((entry) => entry.expiresAt, parsed.maxKeys ?? 1_000_000);
  }

  /** How many keys are held right now (expired ones not yet swept included). */
  get size(): number {
    return this.entries.size;
  }

  /** {@inheritDoc DedupeStore.claim} */
  claim(key: string, options: ClaimOptions): Promise<ClaimResult> {
    return settle(() => {
      assertPositiveDuration('MemoryDedupeStore.claim: leaseMs', options.leaseMs);
      const now = this.clock.now();
      const entry = this.entries.get(key, now);
      if (entry !== undefined) return entry.isDone ? 'duplicate' : 'in-progress';
      this.entries.set(key, { isDone: false, expiresAt: now + options.leaseMs }, now);
      return 'claimed';
    });
  }

  /** {@inheritDoc DedupeStore.complete} */
  complete(key: string, options: CompleteOptions): Promise<void> {
    return settle(() => {
      assertPositiveDuration('MemoryDedupeStore.complete: ttlMs', options.ttlMs);
      const now = this.clock.now();
      this.entries.set(key, { isDone: true, expiresAt: now + options.ttlMs }, now);
    });
  }

  /** {@inheritDoc DedupeStore.release} */
  release(key: string): Promise<void> {
    const entry = this.entries.peek(key);
    if (entry !== undefined && !entry.isDone) this.entries.delete(key);
    return Promise.resolve();
  }
}
