/** A held lock. */
export interface LockLease {
  readonly key: string;
  /** Random per acquisition; only its holder can renew or release. */
  readonly token: string;
  /**
   * Strictly increasing per key across acquisitions: a store that receives writes guarded by a
   * lock can reject a smaller fencing token than the last one it saw.
   */
  readonly fencingToken: number;
  /** When the lease ends unless renewed (ms since epoch, by the store's notion of time). */
  readonly expiresAtMs: number;
}

/**
 * Mutual exclusion with leases, for "one turn at a time per chat, cluster-wide".
 *
 * Contract, checked by `lockStoreConformance` in `@botkeel/core/testing`:
 * - of concurrent `acquire`s of one key at most one gets a lease;
 * - a lease that was not renewed expires and the key can be acquired again, with a larger fencing token;
 * - `renew` and `release` succeed only for the current holder's token;
 * - an unreachable backend rejects with `STORE_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * const lease = await locks.acquire('chat:42', { leaseMs: 30_000 });
 * if (lease) try { await runTurn(); } finally { await locks.release(lease); }
 * ```
 */
export interface LockStore {
  /** Takes the lock, or resolves `undefined` when somebody else holds it. */
  acquire(key: string, options: { leaseMs: number }): Promise<LockLease | undefined>;
  /** Extends a held lease; resolves the new lease, or `undefined` when it was lost. */
  renew(lease: LockLease, options: { leaseMs: number }): Promise<LockLease | undefined>;
  /** Releases a held lease; false when it was no longer held by this token. */
  release(lease: LockLease): Promise<boolean>;
}
