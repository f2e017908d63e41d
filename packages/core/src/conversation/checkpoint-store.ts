/** A persisted conversation snapshot with its versions. */
export interface Checkpoint {
  readonly threadId: string;
  /** Increments by one on every save, starting at 1. The compare-and-swap is on this. */
  readonly version: number;
  /** Version of the machine that produced the snapshot; migrations map older ones forward. */
  readonly machineVersion: number;
  /** The machine's persisted snapshot: plain JSON. */
  readonly snapshot: unknown;
  /** When it was saved (ms since epoch). */
  readonly savedAtMs: number;
}

/** Options of {@link CheckpointStore.save}. */
export interface SaveCheckpointOptions {
  /** The version the caller loaded (0 when the thread had no checkpoint). */
  expectedVersion: number;
  /** The version of the machine that produced `snapshot`. */
  machineVersion: number;
  /** The save time (ms since epoch) by the caller's clock. */
  nowMs: number;
  /**
   * Keep at most this many versions of the thread (the new one included) and prune older ones in
   * the same save. When omitted, the store's own configured limit applies.
   */
  historyLimit?: number;
}

/**
 * Persists conversation snapshots per thread with optimistic concurrency.
 *
 * Contract, checked by `checkpointStoreConformance` in `@botkeel/core/testing`:
 * - `save` is a compare-and-swap on the version in one atomic step: it succeeds only when the
 *   stored version equals `expectedVersion`, and rejects with `VERSION_CONFLICT` otherwise; of 50
 *   concurrent saves with the same expected version exactly one wins;
 * - `load` returns the latest checkpoint, or `undefined` for a new thread;
 * - stores keep a bounded history (the last N versions: `historyLimit` of the save, else the store's
 *   configured limit) and prune older ones on save;
 * - an unreachable backend rejects with `STORE_UNAVAILABLE`.
 *
 * @example
 * ```ts
 * const current = await checkpoints.load('chat:42');
 * await checkpoints.save('chat:42', actor.getPersistedSnapshot(), {
 *   expectedVersion: current?.version ?? 0,
 *   machineVersion: 3,
 *   nowMs: clock.now(),
 * });
 * ```
 */
export interface CheckpointStore {
  /** The latest checkpoint of `threadId`, if any. */
  load(threadId: string): Promise<Checkpoint | undefined>;
  /** Saves a new version; resolves with the stored checkpoint. */
  save(threadId: string, snapshot: unknown, options: SaveCheckpointOptions): Promise<Checkpoint>;
  /** Up to `limit` most recent checkpoints, newest first (for debugging and audits). */
  history(threadId: string, limit: number): Promise<Checkpoint[]>;
}
