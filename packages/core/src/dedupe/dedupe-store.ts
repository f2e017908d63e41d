/**
 * The outcome of {@link DedupeStore.claim}:
 * - `'claimed'`: the caller owns the key and must `complete` or `release` it;
 * - `'duplicate'`: the key was completed before and is still remembered;
 * - `'in-progress'`: somebody else holds a live lease on it.
 */
export type ClaimResult = 'claimed' | 'duplicate' | 'in-progress';

/** Options of {@link DedupeStore.claim}. */
export interface ClaimOptions {
  /** How long the claim holds without `complete`; after that, another caller may claim it (crash recovery). */
  leaseMs: number;
}

/** Options of {@link DedupeStore.complete}. */
export interface CompleteOptions {
  /** How long the key is remembered as done, i.e. answered `'duplicate'`. */
  ttlMs: number;
}

/**
 * Remembers which keys (e.g. webhook updates) were processed, so a redelivered update is dropped.
 *
 * Contract, checked by `dedupeStoreConformance` in `@botkeel/core/testing`:
 * - of any number of concurrent `claim`s of one key, exactly one returns `'claimed'`; the check and
 *   the write are one atomic step (`SET NX`, `INSERT … ON CONFLICT`), never insert-then-catch;
 * - a claim whose lease expired without `complete` can be claimed again;
 * - after `complete`, claims answer `'duplicate'` until `ttlMs` has passed;
 * - after `release`, the key can be claimed again at once;
 * - distinct keys are independent;
 * - an unreachable backend rejects with `STORE_UNAVAILABLE`, never answers as if the key were new.
 *
 * @example
 * ```ts
 * const result = await dedupe.claim(`tg:${botId}:${update.update_id}`, { leaseMs: 30_000 });
 * if (result !== 'claimed') return { status: 'duplicate' };
 * try {
 *   await process(update);
 *   await dedupe.complete(key, { ttlMs: 86_400_000 });
 * } catch (error) {
 *   await dedupe.release(key);
 *   throw error;
 * }
 * ```
 */
export interface DedupeStore {
  /** Atomically claims `key` unless it is done or held by a live lease. */
  claim(key: string, options: ClaimOptions): Promise<ClaimResult>;
  /** Marks `key` as done; later claims answer `'duplicate'` for `ttlMs`. */
  complete(key: string, options: CompleteOptions): Promise<void>;
  /** Gives up a claim so the key can be claimed again (processing failed). */
  release(key: string): Promise<void>;
}
