/** One scheduled entry of a {@link DueHeap}: `key` may become claimable at `atMs`. */
export interface DueEntry {
  readonly atMs: number;
  readonly key: string;
  /** Matches the key's current stamp while the entry is live; older entries are skipped. */
  readonly stamp: number;
}

/**
 * A binary min-heap of due times with lazy deletion: rescheduling a key pushes a new entry with a
 * fresh stamp, and entries whose stamp no longer matches are dropped when they surface.
 */
export class DueHeap {
  private readonly entries: DueEntry[] = [];

  /** Entries held, stale ones included. */
  get size(): number {
    return this.entries.length;
  }

  /** Adds an entry. */
  push(entry: DueEntry): void {
    const entries = this.entries;
    entries.push(entry);
    let index = entries.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.isBefore(entries[index]!, entries[parent]!)) break;
      this.swap(index, parent);
      index = parent;
    }
  }

  /** The earliest live entry, dropping stale ones on the way. */
  peek(isLive: (entry: DueEntry) => boolean): DueEntry | undefined {
    for (;;) {
      const top = this.entries[0];
      if (top === undefined || isLive(top)) return top;
      this.pop();
    }
  }

  /** Removes and returns the earliest entry, live or stale. */
  pop(): DueEntry | undefined {
    const entries = this.entries;
    const top = entries[0];
    const last = entries.pop();
    if (top === undefined || last === undefined || entries.length === 0) return top;
    entries[0] = last;
    let index = 0;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if (left < entries.length && this.isBefore(entries[left]!, entries[smallest]!)) smallest = left;
      if (right < entries.length && this.isBefore(entries[right]!, entries[smallest]!)) smallest = right;
      if (smallest === index) return top;
      this.swap(index, smallest);
      index = smallest;
    }
  }

  /** Rebuilds the heap from the live entries only, when stale ones pile up. */
  compact(isLive: (entry: DueEntry) => boolean): void {
    const live = this.entries.filter(isLive);
    this.entries.length = 0;
    for (const entry of live) this.push(entry);
  }

  private isBefore(a: DueEntry, b: DueEntry): boolean {
    return a.atMs < b.atMs || (a.atMs === b.atMs && a.stamp < b.stamp);
  }

  private swap(a: number, b: number): void {
    const entries = this.entries;
    const held = entries[a]!;
    entries[a] = entries[b]!;
    entries[b] = held;
  }
}
