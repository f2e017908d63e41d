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
}
