/**
 * The outcome of {@link IdempotencyStore.begin}:
 * - `started`: the caller owns the key and must `complete` (with the result) or `release` it;
 * - `completed`: somebody already finished; here is their serialized result;
 * - `in-progress`: somebody else holds a live lease; wait and ask again.
 */
export type IdempotencyBegin =
  | { readonly status: 'started'; readonly token: string }
  | { readonly status: 'completed'; readonly result: string }
  | { readonly status: 'in-progress' };

/**
 * Runs-once bookkeeping with stored results: the store behind `idempotent(store, key, fn)`.
 *
 * Contract, checked by `idempotencyStoreConformance` in `@botkeel/core/testing`:
 * - of concurrent `begin`s of one key exactly one gets `started`;
 * - `complete` stores the result for `ttlMs`, after which `begin` answers `completed` with it;
 * - `complete` and `release` by a caller whose lease was taken over (wrong `token`) change nothing;
 * - a lease that expired without `complete` can be started again;
 * - `extend`, when implemented, pushes a live lease out for its owner only (see {@link IdempotencyStore.extend});
 * - an unreachable backend rejects with `STORE_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * const begun = await store.begin('order:42:confirm', { leaseMs: 30_000 });
 * if (begun.status === 'started') await store.complete('order:42:confirm', begun.token, JSON.stringify(order), { ttlMs: 86_400_000 });
 * ```
 */
export interface IdempotencyStore {
  /** Atomically starts work on `key` unless it is done or in progress. */
  begin(key: string, options: { leaseMs: number }): Promise<IdempotencyBegin>;
  /** Stores the result and ends the lease (only when `token` still owns it). */
  complete(key: string, token: string, result: string, options: { ttlMs: number }): Promise<void>;
  /** Gives up the lease (only when `token` still owns it) so the key can be started again. */
  release(key: string, token: string): Promise<void>;
  /**
   * Optional. Sets the lease of an in-progress record to end `leaseMs` from now, atomically and only
   * while `token` (from `begin`'s `started`) still owns a live lease. Resolves `true` when extended;
   * `false` when the key is absent, completed, owned by another token, or its lease already ran out
   * (taken over or not: an expired lease is never revived). An extended record answers `in-progress`
   * to every other `begin` until the new lease ends; a completed record stays completed.
   *
   * It lets a caller hold a record with a short lease while it is alive and renewing (so a crashed
   * owner blocks the key for one short lease only) instead of one lease sized for its slowest run.
   * Stores without it keep working; callers check `store.extend !== undefined` (see
   * `IdempotencyLeases`, which extends every record a turn holds on each renewal).
   *
   * @example
   * ```ts
   * const begun = await store.begin('batch:7:turn', { leaseMs: 30_000 });
   * if (begun.status === 'started' && store.extend !== undefined) {
   *   const held = await store.extend('batch:7:turn', begun.token, { leaseMs: 30_000 }); // on each renewal
   * }
   * ```
   */
  extend?(key: string, token: string, options: { leaseMs: number }): Promise<boolean>;
}
