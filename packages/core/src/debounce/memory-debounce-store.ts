import { processUniqueId } from '../context/process-unique-id.js';
import {
  type ClaimDueOptions,
  type DebounceBatch,
  type DebounceStore,
  type DebounceWindow,
} from './debounce-store.js';
import { DueHeap, type DueEntry } from './due-heap.js';

interface PendingBurst {
  readonly items: string[];
  readonly firstAtMs: number;
  dueAtMs: number;
  /**
   * The id of each push, parallel to `items` (`undefined` for a push without one): the burst held
   * `index + 1` items right after the push of `ids[index]`. An array: a Map per burst costs more.
   */
  readonly ids: (string | undefined)[];
}

interface ClaimedBatch {
  readonly batchId: string;
  readonly items: readonly string[];
  readonly dueAtMs: number;
  readonly ids: readonly (string | undefined)[];
  deliveries: number;
  leaseEndsAtMs: number;
}

interface KeyState {
  pending: PendingBurst | undefined;
  claimed: ClaimedBatch | undefined;
  /** Stamp of the key's live heap entry. */
  stamp: number;
}

/**
 * The in-memory {@link DebounceStore}: the embedded default, shared by every debouncer of one
 * process. Due times sit in a min-heap, so claiming and waking cost O(log n) in the number of keys;
 * a key with nothing pending and nothing claimed takes no memory.
 *
 * @example
 * ```ts
 * const debouncer = createDebouncer({
 *   store: new MemoryDebounceStore(),
 *   quietMs: 800,
 *   maxWaitMs: 3_000,
 *   maxItems: 20,
 *   onFlush: async (chatId, messages, { batchId }) => runTurn(chatId, messages, batchId),
 * });
 * ```
 */
export class MemoryDebounceStore implements DebounceStore {
  private readonly keys = new Map<string, KeyState>();
  private readonly heap = new DueHeap();
  private stamps = 0;

  /** Appends `item` to the pending burst of `key` (a no-op for an `id` already in its burst or claimed batch). */
  push(
    key: string,
    item: string,
    window: DebounceWindow,
    nowMs: number,
    id?: string,
  ): Promise<{ count: number; dueAtMs: number }> {
    if (id !== undefined) {
      const known = this.knownPush(key, id);
      if (known !== undefined) return Promise.resolve(known);
    }
    const state = this.stateOf(key);
    const pending = state.pending ?? {
      items: [],
      firstAtMs: nowMs,
      dueAtMs: nowMs,
      ids: [],
    };
    const wasFull = state.pending !== undefined && pending.items.length >= window.maxItems;
    pending.items.push(item);
    if (pending.items.length >= window.maxItems) {
      pending.dueAtMs = wasFull ? Math.min(pending.dueAtMs, nowMs) : nowMs;
    } else {
      pending.dueAtMs = Math.min(pending.firstAtMs + window.maxWaitMs, nowMs + window.quietMs);
    }
    pending.ids.push(id);
    state.pending = pending;
    this.reschedule(key, state);
    return Promise.resolve({ count: pending.items.length, dueAtMs: pending.dueAtMs });
  }

  /** The result of an earlier push of `id` into the key's pending burst or claimed batch, if any. */
  private knownPush(key: string, id: string): { count: number; dueAtMs: number } | undefined {
    const state = this.keys.get(key);
    if (state === undefined) return undefined;
    const pendingIndex = state.pending?.ids.indexOf(id) ?? -1;
    if (state.pending !== undefined && pendingIndex >= 0) {
      return { count: pendingIndex + 1, dueAtMs: state.pending.dueAtMs };
    }
    const claimedIndex = state.claimed?.ids.indexOf(id) ?? -1;
    if (state.claimed !== undefined && claimedIndex >= 0) {
      return { count: claimedIndex + 1, dueAtMs: state.claimed.dueAtMs };
    }
    return undefined;
  }

  /** Claims due bursts (and expired claimed batches) for delivery, earliest first. */
  claimDue(options: ClaimDueOptions): Promise<DebounceBatch[]> {
    const { nowMs, leaseMs, limit } = options;
    const dueBeforeMs = Math.max(nowMs, options.dueBeforeMs ?? nowMs);
    const batches: DebounceBatch[] = [];
    const deferred: string[] = [];
    while (batches.length < limit) {
      const entry = this.heap.peek(this.isLive);
      if (entry === undefined || entry.atMs > dueBeforeMs) break;
      this.heap.pop();
      const state = this.keys.get(entry.key);
      if (state === undefined) continue;
      const batch = this.claimKey(entry.key, state, nowMs, leaseMs, dueBeforeMs);
      if (batch === undefined) {
        deferred.push(entry.key);
      } else {
        batches.push(batch);
        this.reschedule(entry.key, state);
      }
    }
    // Keys passed over (lease alive, reached only through dueBeforeMs) go back on the heap afterwards,
    // so one call never looks at a key more than twice.
    for (const key of deferred) {
      const state = this.keys.get(key);
      if (state !== undefined) this.reschedule(key, state);
    }
    return Promise.resolve(batches);
  }

  /** Removes the claimed batch of `key` when `batchId` is still the claimed one. */
  ack(key: string, batchId: string): Promise<void> {
    const state = this.keys.get(key);
    if (state?.claimed?.batchId === batchId) {
      state.claimed = undefined;
      this.reschedule(key, state);
    }
    return Promise.resolve();
  }

  /** Moves the lease end of a claimed batch to `nowMs + leaseMs`; false when it is not claimed any more. */
  extendLease(key: string, batchId: string, leaseMs: number, nowMs: number): Promise<boolean> {
    const state = this.keys.get(key);
    if (state?.claimed?.batchId !== batchId) return Promise.resolve(false);
    state.claimed.leaseEndsAtMs = nowMs + leaseMs;
    this.reschedule(key, state);
    return Promise.resolve(true);
  }

  /** The earliest time a burst falls due or a lease ends, if anything is stored. */
  nextDueAt(): Promise<number | undefined> {
    return Promise.resolve(this.heap.peek(this.isLive)?.atMs);
  }

  private claimKey(
    key: string,
    state: KeyState,
    nowMs: number,
    leaseMs: number,
    dueBeforeMs: number,
  ): DebounceBatch | undefined {
    const claimed = state.claimed;
    if (claimed !== undefined) {
      if (claimed.leaseEndsAtMs > nowMs) return undefined;
      claimed.deliveries += 1;
      claimed.leaseEndsAtMs = nowMs + leaseMs;
      return toBatch(key, claimed);
    }
    const pending = state.pending;
    if (pending === undefined || pending.dueAtMs > dueBeforeMs) return undefined;
    const fresh: ClaimedBatch = {
      batchId: processUniqueId(),
      items: pending.items,
      dueAtMs: pending.dueAtMs,
      ids: pending.ids,
      deliveries: 1,
      leaseEndsAtMs: nowMs + leaseMs,
    };
    state.claimed = fresh;
    state.pending = undefined;
    return toBatch(key, fresh);
  }

  private readonly isLive = (entry: DueEntry): boolean => this.keys.get(entry.key)?.stamp === entry.stamp;

  private stateOf(key: string): KeyState {
    let state = this.keys.get(key);
    if (state === undefined) {
      state = { pending: undefined, claimed: undefined, stamp: 0 };
      this.keys.set(key, state);
    }
    return state;
  }

  /** Puts the key back on the heap at the next moment it may become claimable, or forgets it. */
  private reschedule(key: string, state: KeyState): void {
    this.stamps += 1;
    state.stamp = this.stamps;
    const atMs = state.claimed?.leaseEndsAtMs ?? state.pending?.dueAtMs;
    if (atMs === undefined) {
      this.keys.delete(key);
      return;
    }
    this.heap.push({ atMs, key, stamp: state.stamp });
    if (this.heap.size > 64 && this.heap.size > this.keys.size * 4) this.heap.compact(this.isLive);
  }
}

function toBatch(key: string, claimed: ClaimedBatch): DebounceBatch {
  return {
    key,
    batchId: claimed.batchId,
    items: [...claimed.items],
    dueAtMs: claimed.dueAtMs,
    deliveries: claimed.deliveries,
  };
}
