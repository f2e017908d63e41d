/** How a burst is cut into batches; passed to every {@link DebounceStore.push}. */
export interface DebounceWindow {
  /** Flush when the key has been quiet this long. */
  quietMs: number;
  /** Flush at the latest this long after the first item of the burst. */
  maxWaitMs: number;
  /** Flush at once when the burst reaches this many items. */
  maxItems: number;
}

/** A batch handed out by {@link DebounceStore.claimDue}. */
export interface DebounceBatch {
  /** The debounce key, e.g. a chat id. */
  readonly key: string;
  /**
   * Stable id of this batch: the same when a batch is delivered again after its lease expired, so
   * downstream effects can be made idempotent on it.
   */
  readonly batchId: string;
  /** Every item of the burst, in push order, as pushed (serialized by the debouncer). */
  readonly items: readonly string[];
  /** When the batch fell due (ms since epoch), for flush-lag metrics. */
  readonly dueAtMs: number;
  /** 1 for the first delivery, more when redelivered after an expired lease. */
  readonly deliveries: number;
}

/** Options of {@link DebounceStore.claimDue}. */
export interface ClaimDueOptions {
  /** The current time (ms since epoch) by the debouncer's clock. */
  nowMs: number;
  /** How long the claimer owns the batches; unacked batches are delivered again after that. */
  leaseMs: number;
  /** At most this many batches per call; keys whose batch is still claimed do not count. */
  limit: number;
  /**
   * Claim pending bursts due at or before this time instead of `nowMs` (leases are still judged by
   * `nowMs`). A draining instance passes `Number.MAX_SAFE_INTEGER` to flush every burst early.
   */
  dueBeforeMs?: number;
}

/**
 * Durable storage for the debouncer, designed for many instances sharing it. Per key it keeps the
 * pending burst (items in push order, due time) and at most one claimed batch.
 *
 * Contract, checked by `debounceStoreConformance` in `@botkeel/core/testing`:
 * - `push` is durable when it resolves; a push with an `id` already pushed into the key's pending
 *   burst or its claimed (not yet acked) batch is a no-op returning that burst's size at the first
 *   push and its current due time (a retried push whose reply was lost adds nothing);
 * - `push` due time: due time = min(first item + maxWaitMs, last item + quietMs),
 *   or now when the burst reaches `maxItems` (a trigger, not a cap: items pushed before the burst
 *   is claimed still join it);
 * - `claimDue` atomically moves due bursts into claimed batches, so concurrent claimers never get the
 *   same batch; a key whose previous batch is still claimed (its turn is running, lease alive) is not
 *   claimed again: new items keep collecting into the next burst, never dropped;
 * - a claimed batch whose lease expired without `ack` is handed out again with the same `batchId`
 *   and all its items (before any newer burst of that key);
 * - `ack` removes the claimed batch; an ack with a stale batch id is ignored;
 * - `nextDueAt` tells a sleeping instance when to wake up (new bursts and expiring leases included);
 * - batch ids are unique across all batches ever handed out, also across bursts of one key;
 * - an unreachable backend rejects with `STORE_UNAVAILABLE`, never drops or invents items.
 *
 * @example
 * ```ts
 * await store.push('chat:42', JSON.stringify(message), { quietMs: 800, maxWaitMs: 3_000, maxItems: 20 }, clock.now());
 * for (const batch of await store.claimDue({ nowMs: clock.now(), leaseMs: 30_000, limit: 100 })) {
 *   await handle(batch);
 *   await store.ack(batch.key, batch.batchId);
 * }
 * ```
 */
export interface DebounceStore {
  /**
   * Appends `item` to the pending burst of `key`; returns the burst's size and due time. With `id`
   * (e.g. the update key) the push is idempotent while the burst is pending or claimed: the same id
   * again is a no-op. Stores written before ids existed may ignore it.
   */
  push(
    key: string,
    item: string,
    window: DebounceWindow,
    nowMs: number,
    id?: string,
  ): Promise<{ count: number; dueAtMs: number }>;
  /** Claims due bursts (and expired claimed batches) for delivery. */
  claimDue(options: ClaimDueOptions): Promise<DebounceBatch[]>;
  /** Confirms a claimed batch was handled; it is removed. */
  ack(key: string, batchId: string): Promise<void>;
  /**
   * Sets the lease of a claimed batch to end at `nowMs + leaseMs`, later or sooner than before (a
   * short lease after a failed delivery makes it come back sooner). False when the batch is no
   * longer claimed under `batchId`.
   */
  extendLease(key: string, batchId: string, leaseMs: number, nowMs: number): Promise<boolean>;
  /** The earliest time something may become claimable (a due burst or an expiring lease), if any. */
  nextDueAt(): Promise<number | undefined>;
}
