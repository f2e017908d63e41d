/**
 * A `Map` whose values carry their own expiry time, with bounded size: each insertion of a new key
 * also inspects a couple of old entries and drops the expired ones (amortized O(1), so memory
 * follows the number of live keys), and at `maxEntries` it frees room by sweeping further and, when
 * everything is still live, by dropping the oldest-inserted entry. Internal to the memory stores.
 */
export class ExpiringMap<Value> {
  private readonly entries = new Map<string, Value>();
  private cursor: Iterator<[string, Value]> | undefined;

  /**
   * @param expiresAt - when a value stops counting (ms since the epoch); expired at `now >= expiresAt`
   * @param maxEntries - the most entries ever held
   */
  constructor(
    private readonly expiresAt: (value: Value) => number,
    private readonly maxEntries: number,
  ) {}

  /** How many entries are held, expired ones not yet swept included. */
  get size(): number {
    return this.entries.size;
  }

  /** The live value of `key`, or `undefined` when absent or expired (an expired one is dropped). */
  get(key: string, now: number): Value | undefined {
    const value = this.entries.get(key);
    if (value === undefined) return undefined;
    if (now >= this.expiresAt(value)) {
      this.entries.delete(key);
      return undefined;
    }
    return value;
  }

  /** The stored value of `key` whether expired or not (for callers that treat expiry themselves). */
  peek(key: string): Value | undefined {
    return this.entries.get(key);
  }

  /** Stores `value`; a new key first sweeps a little, and makes room when the map is full. */
  set(key: string, value: Value, now: number): void {
    if (!this.entries.has(key)) {
      this.sweep(now, 2);
      if (this.entries.size >= this.maxEntries) this.makeRoom(now);
    }
    this.entries.set(key, value);
  }

  /** Overwrites the value of a key known to be held (just read with {@link ExpiringMap.peek}): no sweep. */
  replace(key: string, value: Value): void {
    this.entries.set(key, value);
  }

  /** Removes `key`. */
  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Inspects up to `budget` entries (continuing where the last sweep stopped) and drops expired ones. */
  sweep(now: number, budget: number): number {
    let removed = 0;
    for (let inspected = 0; inspected < budget; inspected += 1) {
      this.cursor ??= this.entries.entries();
      const next = this.cursor.next();
      if (next.done === true) {
        this.cursor = undefined;
        if (inspected === 0 || this.entries.size === 0) break;
        continue;
      }
      const [key, value] = next.value;
      if (now >= this.expiresAt(value)) {
        this.entries.delete(key);
        removed += 1;
      }
    }
    return removed;
  }

  private makeRoom(now: number): void {
    if (this.sweep(now, 64) > 0) return;
    const oldest = this.entries.keys().next();
    if (oldest.done !== true) this.entries.delete(oldest.value);
  }
}
