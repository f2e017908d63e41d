/** A snapshot of a sliding window of call outcomes, part of a breaker's exported state. */
export type OutcomeWindowSnapshot =
  | {
      kind: 'count';
      /** Oldest first: 1 for a failure, 0 for a success. */
      outcomes: number[];
    }
  | {
      kind: 'time';
      /** The width of one bucket. */
      bucketMs: number;
      /** The buckets still inside the window. */
      buckets: { startMs: number; total: number; failures: number }[];
    };

/** A sliding window of outcomes that answers the failure count and the volume it holds. */
export interface OutcomeWindow {
  /** Records one outcome at `nowMs`. */
  record(isFailure: boolean, nowMs: number): void;
  /** Calls inside the window at `nowMs`. */
  total(nowMs: number): number;
  /** Failures inside the window at `nowMs`. */
  failures(nowMs: number): number;
  /** Forgets everything. */
  clear(): void;
  toJSON(): OutcomeWindowSnapshot;
  /** Restores a snapshot of the same kind; a snapshot of another kind or shape is ignored. */
  restore(snapshot: OutcomeWindowSnapshot): void;
}

/** The last `size` outcomes, in a ring of bytes. */
export class CountWindow implements OutcomeWindow {
  readonly #ring: Uint8Array;
  #next = 0;
  #filled = 0;
  #failures = 0;

  constructor(size: number) {
    this.#ring = new Uint8Array(size);
  }

  record(isFailure: boolean): void {
    const value = isFailure ? 1 : 0;
    if (this.#filled === this.#ring.length) this.#failures -= this.#ring[this.#next] ?? 0;
    else this.#filled += 1;
    this.#ring[this.#next] = value;
    this.#failures += value;
    this.#next = (this.#next + 1) % this.#ring.length;
  }

  total(): number {
    return this.#filled;
  }

  failures(): number {
    return this.#failures;
  }

  clear(): void {
    this.#ring.fill(0);
    this.#next = 0;
    this.#filled = 0;
    this.#failures = 0;
  }

  toJSON(): OutcomeWindowSnapshot {
    const outcomes: number[] = [];
    const start = this.#filled === this.#ring.length ? this.#next : 0;
    for (let offset = 0; offset < this.#filled; offset += 1) {
      outcomes.push(this.#ring[(start + offset) % this.#ring.length] ?? 0);
    }
    return { kind: 'count', outcomes };
  }

  restore(snapshot: OutcomeWindowSnapshot): void {
    if (snapshot.kind !== 'count') return;
    this.clear();
    for (const outcome of snapshot.outcomes.slice(-this.#ring.length)) this.record(outcome === 1);
  }
}

/** The outcomes of the last `durationMs`, in `bucketCount` buckets that slide one at a time. */
export class TimeWindow implements OutcomeWindow {
  readonly #bucketMs: number;
  readonly #starts: Float64Array;
  readonly #totals: Uint32Array;
  readonly #failureCounts: Uint32Array;

  constructor(durationMs: number, bucketCount: number) {
    this.#bucketMs = Math.max(1, Math.ceil(durationMs / bucketCount));
    this.#starts = new Float64Array(bucketCount).fill(Number.NEGATIVE_INFINITY);
    this.#totals = new Uint32Array(bucketCount);
    this.#failureCounts = new Uint32Array(bucketCount);
  }

  record(isFailure: boolean, nowMs: number): void {
    const start = Math.floor(nowMs / this.#bucketMs) * this.#bucketMs;
    const index = Math.floor(nowMs / this.#bucketMs) % this.#starts.length;
    if (this.#starts[index] !== start) {
      this.#starts[index] = start;
      this.#totals[index] = 0;
      this.#failureCounts[index] = 0;
    }
    this.#totals[index] = (this.#totals[index] ?? 0) + 1;
    if (isFailure) this.#failureCounts[index] = (this.#failureCounts[index] ?? 0) + 1;
  }

  total(nowMs: number): number {
    return this.#sum(this.#totals, nowMs);
  }

  failures(nowMs: number): number {
    return this.#sum(this.#failureCounts, nowMs);
  }

  clear(): void {
    this.#starts.fill(Number.NEGATIVE_INFINITY);
    this.#totals.fill(0);
    this.#failureCounts.fill(0);
  }

  toJSON(): OutcomeWindowSnapshot {
    const buckets: { startMs: number; total: number; failures: number }[] = [];
    for (let index = 0; index < this.#starts.length; index += 1) {
      const startMs = this.#starts[index] ?? Number.NEGATIVE_INFINITY;
      if (!Number.isFinite(startMs)) continue;
      buckets.push({ startMs, total: this.#totals[index] ?? 0, failures: this.#failureCounts[index] ?? 0 });
    }
    buckets.sort((left, right) => left.startMs - right.startMs);
    return { kind: 'time', bucketMs: this.#bucketMs, buckets };
  }

  restore(snapshot: OutcomeWindowSnapshot): void {
    if (snapshot.kind !== 'time' || snapshot.bucketMs !== this.#bucketMs) return;
    this.clear();
    for (const bucket of snapshot.buckets.slice(-this.#starts.length)) {
      const index = Math.floor(bucket.startMs / this.#bucketMs) % this.#starts.length;
      this.#starts[index] = bucket.startMs;
      this.#totals[index] = bucket.total;
      this.#failureCounts[index] = Math.min(bucket.failures, bucket.total);
    }
  }

  /** Sums buckets that start after `nowMs - window`, i.e. the current one and the previous ones. */
  #sum(counts: Uint32Array, nowMs: number): number {
    const oldestStart = (Math.floor(nowMs / this.#bucketMs) - this.#starts.length + 1) * this.#bucketMs;
    let sum = 0;
    for (let index = 0; index < this.#starts.length; index += 1) {
      const start = this.#starts[index] ?? Number.NEGATIVE_INFINITY;
      if (start >= oldestStart && start <= nowMs) sum += counts[index] ?? 0;
    }
    return sum;
  }
}
