import { doubled } from './doubled.js';

/** Where the anchors of one batch start, and which one (the longest starting there). */
export interface AnchorBatch {
  /** Grown by `collect` when a batch needs more room. */
  starts: Int32Array;
  ids: Int32Array;
  /** Hits in `starts`/`ids`. */
  count: number;
  /** Every hit starting at or before this position is listed (the last position: all of them). */
  completeTo: number;
}

/** Largest transition table built (entries): past it, the scanner keeps its hashed search. */
const maxTableEntries = 1 << 22;

/**
 * An Aho–Corasick automaton of a list of anchors: one table step per code unit, and a step into a
 * state where anchors end lists them. It finds every occurrence of every anchor, so the longest
 * anchor starting at each position is known once the text is `maxLength` units past it. Anchors are
 * numbered by their position in the list (duplicates share the first number).
 */
export class AnchorAutomaton {
  /** Longest anchor, in code units. */
  readonly maxLength: number;
  /** By code unit: its column in the table (0: in no anchor). */
  readonly columnOf: Uint16Array;
  private readonly columns: number;
  /**
   * `table[row + column]` is the next state's row (`state × columns`), bitwise-inverted (negative)
   * when anchors end in that state; row 0 is the start. A pass that reads a text anyway can step it
   * and record the negative steps (`AnchorEnds`) instead of a scan of its own.
   */
  readonly table: Int32Array;
  /** By state: `outputIds[outputStarts[state] … outputStarts[state + 1])` end there, longest first. */
  private readonly outputStarts: Int32Array;
  private readonly outputIds: Int32Array;
  private readonly outputLengths: Int32Array;
  /** Scratch: the anchors found in one batch, in the order they end (start, number, length). */
  private found = new Int32Array(3 * 64);

  private constructor(
    maxLength: number,
    columnOf: Uint16Array,
    columns: number,
    table: Int32Array,
    outputs: { starts: Int32Array; ids: Int32Array; lengths: Int32Array },
  ) {
    this.maxLength = maxLength;
    this.columnOf = columnOf;
    this.columns = columns;
    this.table = table;
    this.outputStarts = outputs.starts;
    this.outputIds = outputs.ids;
    this.outputLengths = outputs.lengths;
  }

  /** The automaton of no anchors: every step stays at the start and ends nothing. */
  static readonly empty: AnchorAutomaton = new AnchorAutomaton(
    0,
    new Uint16Array(0x10000),
    1,
    new Int32Array(1),
    { starts: new Int32Array(2), ids: new Int32Array(0), lengths: new Int32Array(0) },
  );

  /** The automaton of `anchors`, or undefined when its table would be too large. */
  static of(anchors: readonly string[]): AnchorAutomaton | undefined {
    const columnOf = new Uint16Array(0x10000);
    let columns = 1;
    let totalUnits = 0;
    let maxLength = 0;
    for (const anchor of anchors) {
      totalUnits += anchor.length;
      maxLength = Math.max(maxLength, anchor.length);
      for (let index = 0; index < anchor.length; index += 1) {
        const unit = anchor.charCodeAt(index);
        if (columnOf[unit] === 0) columnOf[unit] = columns++;
      }
    }
    if ((totalUnits + 1) * columns > maxTableEntries || columns > 0xffff) return undefined;
    // The trie: goto rows per state (-1: no edge), the anchor ending at each state (-1: none).
    const rows: Int32Array[] = [new Int32Array(columns).fill(-1)];
    const depths = [0];
    const ends = [-1];
    anchors.forEach((anchor, id) => {
      if (anchor.length === 0) return;
      let state = 0;
      for (let index = 0; index < anchor.length; index += 1) {
        const column = columnOf[anchor.charCodeAt(index)] ?? 0;
        const row = rows[state] ?? new Int32Array(0);
        let next = row[column] ?? -1;
        if (next < 0) {
          next = rows.length;
          row[column] = next;
          rows.push(new Int32Array(columns).fill(-1));
          depths.push(index + 1);
          ends.push(-1);
        }
        state = next;
      }
      if (ends[state] === -1) ends[state] = id;
    });
    const stateCount = rows.length;
    const table = new Int32Array(stateCount * columns);
    const fail = new Int32Array(stateCount);
    // Breadth first, so a state's fallback (a shorter suffix) is complete before the state.
    const order: number[] = [0];
    for (let at = 0; at < order.length; at += 1) {
      const state = order[at] ?? 0;
      const row = rows[state] ?? new Int32Array(0);
      for (let column = 0; column < columns; column += 1) {
        const child = row[column] ?? -1;
        const fallback = state === 0 ? 0 : (table[(fail[state] ?? 0) * columns + column] ?? 0);
        if (child < 0) table[state * columns + column] = fallback;
        else {
          fail[child] = state === 0 ? 0 : fallback;
          table[state * columns + column] = child;
          order.push(child);
        }
      }
    }
    // Outputs: the state's own anchor, then those of its fallback (shorter suffixes).
    const lists: number[][] = Array.from({ length: stateCount }, () => []);
    for (const state of order) {
      if (state === 0) continue;
      const own = ends[state] ?? -1;
      lists[state] = [...(own >= 0 ? [own] : []), ...(lists[fail[state] ?? 0] ?? [])];
    }
    const starts = new Int32Array(stateCount + 1);
    for (let state = 0; state < stateCount; state += 1) {
      starts[state + 1] = (starts[state] ?? 0) + (lists[state]?.length ?? 0);
    }
    const ids = Int32Array.from(lists.flat());
    const lengths = Int32Array.from(ids, (id) => anchors[id]?.length ?? 0);
    for (let entry = 0; entry < table.length; entry += 1) {
      const next = table[entry] ?? 0;
      const hasOutput = (lists[next]?.length ?? 0) > 0;
      table[entry] = hasOutput ? ~(next * columns) : next * columns;
    }
    return new AnchorAutomaton(maxLength, columnOf, columns, table, { starts, ids, lengths });
  }

  /**
   * Fills `batch` with the longest anchor at each position from `from` on where one starts, in
   * order; stops early once `cap` anchor occurrences were seen, and then lists the hits complete so
   * far (`batch.completeTo` says how far); grows the batch's arrays when it needs more room.
   */
  collect(text: string, from: number, cap: number, batch: AnchorBatch): void {
    const { columnOf, table, maxLength } = this;
    const length = text.length;
    let foundCount = 0;
    let completeTo = length - 1;
    let state = 0;
    for (let index = from; index < length; index += 1) {
      let next = table[state + (columnOf[text.charCodeAt(index)] ?? 0)] ?? 0;
      if (next < 0) {
        next = ~next;
        foundCount = this.addEnding(next, index, foundCount);
        // Every anchor starting at or before `index - maxLength + 1` has ended by now.
        if (foundCount >= cap && index - maxLength + 1 >= from) {
          completeTo = index - maxLength + 1;
          break;
        }
      }
      state = next;
    }
    this.listLongest(this.found, foundCount, completeTo, batch);
  }

  /**
   * Fills `batch` as `collect` does from steps another pass recorded: the rows entered by the steps
   * that ended anchors (`rows[i]`) and the text index of each (`indexes[i]`), in text order, complete
   * for anchors starting at or before `completeTo`.
   */
  listRecorded(
    rows: Int32Array,
    indexes: Int32Array,
    count: number,
    completeTo: number,
    batch: AnchorBatch,
  ): void {
    let foundCount = 0;
    for (let step = 0; step < count; step += 1) {
      foundCount = this.addEnding(rows[step] ?? 0, indexes[step] ?? 0, foundCount);
    }
    this.listLongest(this.found, foundCount, completeTo, batch);
  }

  /**
   * Appends the anchors that end at `index` (the step into `row` ended them) to the occurrence list
   * holding `count`, and returns the new count.
   */
  private addEnding(row: number, index: number, count: number): number {
    const { outputStarts, outputIds, outputLengths, columns } = this;
    const state = (row / columns) | 0;
    const outputEnd = outputStarts[state + 1] ?? 0;
    let found = this.found;
    let foundCount = count;
    for (let at = outputStarts[state] ?? 0; at < outputEnd; at += 1) {
      if (3 * foundCount + 3 > found.length) {
        found = doubled(found);
        this.found = found;
      }
      const anchorLength = outputLengths[at] ?? 0;
      found[3 * foundCount] = index - anchorLength + 1;
      found[3 * foundCount + 1] = outputIds[at] ?? 0;
      found[3 * foundCount + 2] = anchorLength;
      foundCount += 1;
    }
    return foundCount;
  }

  /**
   * Sorts the occurrences by start (longest first at one start; they end in order, so each is at
   * most `maxLength` places from its sorted place) and keeps the longest at each start up to
   * `completeTo`.
   */
  private listLongest(found: Int32Array, foundCount: number, completeTo: number, batch: AnchorBatch): void {
    for (let at = 1; at < foundCount; at += 1) {
      const start = found[3 * at] ?? 0;
      const id = found[3 * at + 1] ?? 0;
      const anchorLength = found[3 * at + 2] ?? 0;
      let to = at;
      while (to > 0) {
        const otherStart = found[3 * (to - 1)] ?? 0;
        const isAfter =
          otherStart > start || (otherStart === start && (found[3 * (to - 1) + 2] ?? 0) < anchorLength);
        if (!isAfter) break;
        found[3 * to] = otherStart;
        found[3 * to + 1] = found[3 * (to - 1) + 1] ?? 0;
        found[3 * to + 2] = found[3 * (to - 1) + 2] ?? 0;
        to -= 1;
      }
      found[3 * to] = start;
      found[3 * to + 1] = id;
      found[3 * to + 2] = anchorLength;
    }
    if (batch.starts.length < foundCount) {
      batch.starts = new Int32Array(foundCount);
      batch.ids = new Int32Array(foundCount);
    }
    let count = 0;
    let previousStart = -1;
    for (let at = 0; at < foundCount; at += 1) {
      const start = found[3 * at] ?? 0;
      if (start > completeTo) break;
      if (start === previousStart) continue;
      batch.starts[count] = start;
      batch.ids[count] = found[3 * at + 1] ?? 0;
      count += 1;
      previousStart = start;
    }
    batch.count = count;
    batch.completeTo = completeTo;
  }
}
