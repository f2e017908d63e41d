import { processUniqueId } from '../context/process-unique-id.js';
import { z } from 'zod';
import { type Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { parseOptions } from '../errors/parse-options.js';
import { InvalidOptionsError } from '../errors/subclasses.js';
import { type LockLease, type LockStore } from './lock-store.js';

/** Options of {@link MemoryLockStore}. */
export interface MemoryLockStoreOptions {
  /** The source of "now" for lease expiry. Default {@link systemClock}. */
  clock?: Clock;
}

const optionsSchema = z.object({ clock: z.custom<Clock>().optional() }).strict();

interface HeldLock {
  readonly token: string;
  readonly fencingToken: number;
  expiresAtMs: number;
}

/** Removing expired entries every this many acquisitions keeps idle keys from piling up. */
const sweepEveryAcquisitions = 1_024;

function assertLeaseMs(method: string, leaseMs: number): void {
  if (!Number.isSafeInteger(leaseMs) || leaseMs <= 0) {
    throw new InvalidOptionsError(`MemoryLockStore.${method}: leaseMs must be a positive integer`);
  }
}

/**
 * The in-process {@link LockStore}: leases with expiry by the injected clock and fencing tokens from
 * one counter, so they increase strictly per key (and across keys). Released and expired locks leave
 * nothing behind, so memory follows the number of locks currently held.
 *
 * It serializes turns within ONE process only; use `RedisLock` (from `@botkeel/store-redis`) when
 * several bot instances share chats.
 *
 * @example
 * ```ts
 * const locks = new MemoryLockStore({ clock });
 * const lease = await locks.acquire('chat:42', { leaseMs: 30_000 });
 * if (lease) try { await runTurn(lease.fencingToken); } finally { await locks.release(lease); }
 * ```
 */
export class MemoryLockStore implements LockStore {
  readonly #clock: Clock;
  readonly #held = new Map<string, HeldLock>();
  #lastFencingToken = 0;
  #acquisitionsSinceSweep = 0;

  constructor(options: MemoryLockStoreOptions = {}) {
    const parsed = parseOptions('MemoryLockStore', optionsSchema, options);
    this.#clock = parsed.clock ?? systemClock;
  }

  /** Takes the lock for `leaseMs`, or resolves `undefined` while another live lease holds it. */
  acquire(key: string, options: { leaseMs: number }): Promise<LockLease | undefined> {
    try {
      return Promise.resolve(this.#acquire(key, options.leaseMs));
    } catch (error) {
      return rejected(error);
    }
  }

  #acquire(key: string, leaseMs: number): LockLease | undefined {
    assertLeaseMs('acquire', leaseMs);
    const now = this.#clock.now();
    this.#sweepSometimes(now);
    const current = this.#held.get(key);
    if (current !== undefined && current.expiresAtMs > now) return undefined;
    this.#lastFencingToken += 1;
    const held: HeldLock = {
      token: processUniqueId(),
      fencingToken: this.#lastFencingToken,
      expiresAtMs: now + leaseMs,
    };
    this.#held.set(key, held);
    return toLease(key, held);
  }

  /** Extends a live lease held by `lease.token` to `leaseMs` from now; `undefined` when it was lost. */
  renew(lease: LockLease, options: { leaseMs: number }): Promise<LockLease | undefined> {
    try {
      assertLeaseMs('renew', options.leaseMs);
      const now = this.#clock.now();
      const current = this.#liveHeldBy(lease, now);
      if (current === undefined) return Promise.resolve(undefined);
      current.expiresAtMs = now + options.leaseMs;
      return Promise.resolve(toLease(lease.key, current));
    } catch (error) {
      return rejected(error);
    }
  }

  /** Releases a live lease held by `lease.token`; false when it had expired or belongs to someone else. */
  release(lease: LockLease): Promise<boolean> {
    try {
      if (this.#liveHeldBy(lease, this.#clock.now()) === undefined) return Promise.resolve(false);
      this.#held.delete(lease.key);
      return Promise.resolve(true);
    } catch (error) {
      return rejected(error);
    }
  }

  /** How many keys have an entry (held, or expired and not yet swept); for tests and metrics. */
  get size(): number {
    return this.#held.size;
  }

  #liveHeldBy(lease: LockLease, now: number): HeldLock | undefined {
    const current = this.#held.get(lease.key);
    if (current === undefined || current.token !== lease.token) return undefined;
    if (current.expiresAtMs <= now) {
      this.#held.delete(lease.key);
      return undefined;
    }
    return current;
  }

  #sweepSometimes(now: number): void {
    this.#acquisitionsSinceSweep += 1;
    if (this.#acquisitionsSinceSweep < sweepEveryAcquisitions) return;
    this.#acquisitionsSinceSweep = 0;
    for (const [key, held] of this.#held) if (held.expiresAtMs <= now) this.#held.delete(key);
  }
}

/** A thrown value as a rejection, so callers only ever see rejections (never a synchronous throw). */
function rejected<T>(error: unknown): Promise<T> {
  return Promise.reject(error instanceof Error ? error : new Error(String(error)));
}

function toLease(key: string, held: HeldLock): LockLease {
  return { key, token: held.token, fencingToken: held.fencingToken, expiresAtMs: held.expiresAtMs };
}
