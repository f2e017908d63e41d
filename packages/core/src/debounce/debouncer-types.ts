/** What {@link Debouncer.push} reports once the item is durably stored. */
export interface PushResult {
  /** Items in the key's pending burst, this one included. */
  readonly count: number;
  /** When that burst falls due (ms since epoch). */
  readonly dueAtMs: number;
}

/** Options of {@link Debouncer.stop}. */
export interface DebouncerStopOptions {
  /**
   * True: flush every pending burst now (without waiting for its due time) and wait for the flushes.
   * In a store shared with instances that keep running, that includes their pending bursts, which
   * are then flushed early (still once each); prefer `false` there.
   * False (default): leave pending bursts in the store for another instance; wait only for the
   * flushes already running.
   */
  drain?: boolean;
  /** When aborted, stop waiting: running flushes get their signal aborted and their leases run out. */
  signal?: AbortSignal;
}

/** Collects items per key into bursts and hands each burst, once, to `onFlush`. */
export interface Debouncer<Item> {
  /**
   * Adds `item` to the pending burst of `key`. Resolves once the item is durably in the store.
   * Rejects with `DRAINING` after `stop()` was called, with `ABORTED` when `signal` is already aborted.
   * With `id` (e.g. the update key) pushing the same id again while its burst is pending or claimed
   * adds nothing, so retrying a push whose reply was lost is safe.
   */
  push(key: string, item: Item, options?: { signal?: AbortSignal; id?: string }): Promise<PushResult>;
  /**
   * Starts flushing due bursts (this instance's and other instances'). Pushing works without it.
   * A started debouncer keeps the Node.js process alive (its wake-up timer) until `stop()`. Calling
   * it again is a no-op; after `stop()` it throws `DRAINING` (a stopped debouncer does not restart).
   */
  start(): void;
  /** Stops accepting items and flushing; see {@link DebouncerStopOptions}. Calling it again returns the same promise. */
  stop(options?: DebouncerStopOptions): Promise<void>;
}
