import { processUniqueId } from '../context/process-unique-id.js';
import { z } from 'zod';
import { type Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { assertPositiveDuration } from '../dedupe/assert-duration.js';
import { ExpiringMap } from '../dedupe/expiring-map.js';
import { parseOptions } from '../errors/parse-options.js';
import { type IdempotencyBegin, type IdempotencyStore } from './idempotency-store.js';
import { flatString } from '../strings/flat-string.js';

/** Options of {@link MemoryIdempotencyStore}. */
export interface MemoryIdempotencyStoreOptions {
  /** The source of "now" for leases and TTLs. Default {@link systemClock}. */
  clock?: Clock;
  /**
   * The most keys held at once (in progress or completed). Expired keys are swept as new ones
   * arrive; when the store is full of live keys, the oldest one is forgotten. Default 1,000,000.
   */
  maxKeys?: number;
}

const optionsSchema = z.object({
  clock: z.custom<Clock>((value) => typeof (value as Clock | undefined)?.now === 'function').optional(),
  maxKeys: z.number().int().positive().optional(),
});

type IdempotencyEntry =
  | { readonly status: 'in-progress'; readonly token: string; readonly expiresAt: number }
  | { readonly status: 'completed'; readonly result: string; readonly expiresAt: number };

/**
 * The in-process {@link IdempotencyStore}, for one instance and for tests. Results and leases
 * expire on the injected clock; memory stays bounded by `maxKeys`.
 *
 * @example
 * ```ts
 * const store = new MemoryIdempotencyStore();
 * const receipt = await idempotent(store, `send:${batchId}`, () => channel.send(reply), { ttlMs: 86_400_000, leaseMs: 30_000 });
 * ```
 */
export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly clock: Clock;
  private readonly entries: ExpiringMap<IdempotencyEntry>;

  constructor(options: MemoryIdempotencyStoreOptions = {}) {
    const parsed = parseOptions('MemoryIdempotencyStore', optionsSchema, options);
    this.clock = parsed.clock ?? systemClock;
    this.entries = new ExpiringMap((entry) => entry.expiresAt, parsed.maxKeys ?? 1_000_000);
  }

  /** How many keys are held right now (expired ones not yet swept included). */
  get size(): number {
    return this.entries.size;
  }

  /** {@inheritDoc IdempotencyStore.begin} */
  begin(key: string, options: { leaseMs: number }): Promise<IdempotencyBegin> {
    try {
      return Promise.resolve(this.beginNow(key, options.leaseMs));
    } catch (error) {
      return rejected(error);
    }
  }

  private beginNow(key: string, leaseMs: number): IdempotencyBegin {
    assertPositiveDuration('MemoryIdempotencyStore.begin: leaseMs', leaseMs);
    const now = this.clock.now();
    const entry = this.entries.get(key, now);
    if (entry?.status === 'completed') return { status: 'completed', result: entry.result };
    if (entry !== undefined) return inProgress;
    const token = processUniqueId();
    // The key is kept for the record's whole TTL: as one flat string, not the rope a template
    // literal of ids answers.
    this.entries.set(flatString(key), { status: 'in-progress', token, expiresAt: now + leaseMs }, now);
    return { status: 'started', token };
  }

  /** {@inheritDoc IdempotencyStore.complete} */
  complete(key: string, token: string, result: string, options: { ttlMs: number }): Promise<void> {
    try {
      assertPositiveDuration('MemoryIdempotencyStore.complete: ttlMs', options.ttlMs);
      const now = this.clock.now();
      if (this.isOwnedBy(key, token, now)) {
        this.entries.set(key, { status: 'completed', result, expiresAt: now + options.ttlMs }, now);
      }
      return Promise.resolve();
    } catch (error) {
      return rejected(error);
    }
  }

  /** {@inheritDoc IdempotencyStore.release} */
  release(key: string, token: string): Promise<void> {
    if (this.isOwnedBy(key, token, this.clock.now())) this.entries.delete(key);
    return Promise.resolve();
  }

  /** {@inheritDoc IdempotencyStore.extend} */
  extend(key: string, token: string, options: { leaseMs: number }): Promise<boolean> {
    try {
      assertPositiveDuration('MemoryIdempotencyStore.extend: leaseMs', options.leaseMs);
      const now = this.clock.now();
      if (!this.isOwnedBy(key, token, now)) return Promise.resolve(false);
      this.entries.replace(key, { status: 'in-progress', token, expiresAt: now + options.leaseMs });
      return Promise.resolve(true);
    } catch (error) {
      return rejected(error);
    }
  }

  private isOwnedBy(key: string, token: string, now: number): boolean {
    const entry = this.entries.get(key, now);
    return entry?.status === 'in-progress' && entry.token === token;
  }
}

/** The one answer for a key someone else is working on (it carries nothing, so it is shared). */
const inProgress: IdempotencyBegin = Object.freeze({ status: 'in-progress' });

/** A thrown value as a rejection, so callers only ever see rejections (never a synchronous throw). */
function rejected<T>(error: unknown): Promise<T> {
  return Promise.reject(error instanceof Error ? error : new Error(String(error)));
}
