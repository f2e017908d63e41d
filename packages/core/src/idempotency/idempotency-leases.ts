import { type IdempotencyStore } from './idempotency-store.js';

/**
 * The in-progress idempotency records one owner holds — typically one bot turn running under its
 * chat lock — so that it can extend all of them each time it renews its own lease. Records can then
 * be started with a lease as short as the chat lock's (instead of one sized for the slowest turn):
 * when the instance dies, they lapse one short lease later and another instance may redo the work.
 *
 * Pass it to `runOnce` (which calls {@link IdempotencyLeases.hold} on `started` and
 * {@link IdempotencyLeases.drop} before it completes or releases the record), and call
 * {@link IdempotencyLeases.extendAll} on every renewal of the owner's lease. When the store has no
 * `extend` ({@link IdempotencyLeases.canExtend} is false) nothing is extended: start records with a
 * lease long enough for the slowest run instead.
 *
 * @example
 * ```ts
 * // Per turn, inside chatLock.run(chatId, async ({ signal }) => { … }):
 * const leases = new IdempotencyLeases(store);
 * const leaseMs = leases.canExtend ? chatLeaseMs : 120_000;
 * // On each chat-lock renewal (a hook, or a clock timer every renewEveryMs while the turn runs):
 * if (!(await leases.extendAll({ leaseMs }))) abortTurn(); // a record was taken over: stop, like a lost lock
 * ```
 */
export class IdempotencyLeases {
  private readonly store: IdempotencyStore;
  private readonly tokens = new Map<string, string>();

  /** @param store - the store the records live in */
  constructor(store: IdempotencyStore) {
    this.store = store;
  }

  /** Whether the store implements `extend`; when false, {@link IdempotencyLeases.extendAll} does nothing. */
  get canExtend(): boolean {
    return this.store.extend !== undefined;
  }

  /** How many records are held right now. */
  get size(): number {
    return this.tokens.size;
  }

  /** Notes that `token` (from `begin`'s `started`) owns `key` until {@link IdempotencyLeases.drop}. */
  hold(key: string, token: string): void {
    this.tokens.set(key, token);
  }

  /**
   * Stops extending `key` (when `token` still holds it here). Call it before `complete` or
   * `release`, so that an `extend` which loses the race with them is not taken for a lost record.
   */
  drop(key: string, token: string): void {
    if (this.tokens.get(key) === token) this.tokens.delete(key);
  }

  /**
   * Extends every held record to end `leaseMs` from now (the calls run concurrently). Resolves `true`
   * when each record still held afterwards was extended (or there was nothing to extend); `false`
   * when the store refused one — its lease ran out or another caller took it over, so the work is no
   * longer protected and the owner should stop, as on a lost lock (refused records are dropped).
   * Rejects with the store's error (e.g. `STORE_UNAVAILABLE`) when a call failed and none was
   * refused; the records that were extended stay extended, and the next round may try again.
   */
  async extendAll(options: { leaseMs: number }): Promise<boolean> {
    const extend = this.store.extend?.bind(this.store);
    if (extend === undefined || this.tokens.size === 0) return true;
    const held = [...this.tokens];
    const outcomes = await Promise.allSettled(held.map(([key, token]) => extend(key, token, options)));
    let isLost = false;
    let failure: { reason: unknown } | undefined;
    for (const [index, outcome] of outcomes.entries()) {
      const entry = held[index];
      if (entry === undefined) continue;
      const [key, token] = entry;
      // A record dropped (completed or released) while the call ran is not lost.
      if (this.tokens.get(key) !== token) continue;
      if (outcome.status === 'rejected') {
        failure ??= { reason: outcome.reason };
      } else if (!outcome.value) {
        isLost = true;
        this.tokens.delete(key);
      }
    }
    if (isLost) return false;
    if (failure !== undefined) {
      throw failure.reason instanceof Error ? failure.reason : new Error(String(failure.reason));
    }
    return true;
  }
}
