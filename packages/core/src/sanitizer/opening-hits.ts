import { doubled } from './doubled.js';

/**
 * For each pattern of a view, the starts of the anchor hits that open its windows, in hit order:
 * linked lists in one shared pool, so a pattern's search visits only its own hits instead of every
 * hit of the view. Scratch state for one view at a time (matching is synchronous).
 */
export class OpeningHits {
  /** By pattern index: the first and last entry of its list, -1 when it has none. */
  private readonly firsts: Int32Array;
  private readonly lasts: Int32Array;
  /** By entry: the hit's start, and the next entry of the same pattern (-1 at the end). */
  private starts = new Int32Array(256);
  private nexts = new Int32Array(256);
  private count = 0;

  constructor(patternCount: number) {
    this.firsts = new Int32Array(patternCount).fill(-1);
    this.lasts = new Int32Array(patternCount).fill(-1);
  }

  /** Appends a hit at `start` to the list of pattern `pattern`. */
  add(pattern: number, start: number): void {
    if (this.count === this.starts.length) {
      this.starts = doubled(this.starts);
      this.nexts = doubled(this.nexts);
    }
    const entry = this.count;
    this.count += 1;
    this.starts[entry] = start;
    this.nexts[entry] = -1;
    const last = this.lasts[pattern] ?? -1;
    if (last < 0) this.firsts[pattern] = entry;
    else this.nexts[last] = entry;
    this.lasts[pattern] = entry;
  }

  /** The first entry of pattern `pattern`'s list, or -1. */
  first(pattern: number): number {
    return this.firsts[pattern] ?? -1;
  }

  /** The entry after `entry` in its pattern's list, or -1. */
  next(entry: number): number {
    return this.nexts[entry] ?? -1;
  }

  /** The hit start of `entry`. */
  startOf(entry: number): number {
    return this.starts[entry] ?? 0;
  }

  /** Empties pattern `pattern`'s list; once every listed pattern is emptied, call `reuse`. */
  clear(pattern: number): void {
    this.firsts[pattern] = -1;
    this.lasts[pattern] = -1;
  }

  /** Starts the pool over (every list must be empty). */
  reuse(): void {
    this.count = 0;
  }
}
