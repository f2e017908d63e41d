import { type AnchorBatch, AnchorAutomaton } from './anchor-automaton.js';
import { AnchorEnds } from './anchor-ends.js';

/** Where an anchor starts, and which one (the longest starting there). */
export interface AnchorFound {
  readonly start: number;
  readonly anchor: string;
}

const bigramHash = (first: number, second: number): number => (Math.imul(first, 31) + second) & 0xffff;
const trigramHash = (first: number, second: number, third: number): number =>
  (Math.imul(first, 961) + Math.imul(second, 31) + third) & 0xffff;

const noIds: Int32Array = new Int32Array(0);

/** Anchor occurrences one automaton batch collects before it stops (hostile text has thousands). */
const batchOccurrences = 256;

/** How {@link AnchorScanner} searches. */
export interface AnchorScannerOptions {
  /**
   * Search with an Aho–Corasick automaton (the default, when its table is not too large), in
   * batches; `false` keeps the hashed search alone. The answers are the same.
   */
  readonly useAutomaton?: boolean;
  /** Occurrences per automaton batch (tests make it small to cross batch ends often). */
  readonly batchOccurrences?: number;
}

/**
 * Finds anchors with one JavaScript pass and table look-ups instead of a regular expression
 * alternation of hundreds of literals. It answers exactly what `/anchor|anchor|…/g` (longest first)
 * answers from the same index. Anchors are numbered by their position in the list given to the
 * constructor (duplicates share the first number).
 *
 * Two searches give the same answers. The automaton (`anchor-automaton.ts`) reads each code unit
 * once with one table step and lists the hits of a stretch of text in one batch, which later calls
 * on the same text read back. The hashed search, used when anchors are being skipped or the
 * automaton's table would be too large: a bit set of the hashed first three code units of every
 * anchor (two or one for shorter anchors) rejects almost every position with one look-up, and only
 * positions that pass are compared with the anchors that start that way, longest first.
 */
export class AnchorScanner {
  /** The anchors, by number. */
  readonly anchors: readonly string[];
  /** Every anchor's code units, one after the other; `anchorStarts[id]` is where anchor `id` starts. */
  private readonly units: Uint16Array;
  private readonly anchorStarts: Int32Array;
  private readonly anchorLengths: Int32Array;
  /**
   * Anchors of three or more code units by the hash of their first three, longest first (looked up
   * only where the bit set passes; every candidate is confirmed, so a hash collision costs a
   * comparison, never a wrong hit).
   */
  private readonly trigramIds: Int32Array;
  /** `trigramIds[trigramStarts[hash] … trigramStarts[hash + 1])`: the anchors with that hash. */
  private readonly trigramStarts = new Int32Array(0x10000 + 1);
  /** Two-unit anchors by the hash of their units. */
  private readonly byBigram = new Map<number, Int32Array>();
  /** One-unit anchors by their code unit. */
  private readonly byUnigram = new Map<number, number>();
  /**
   * Bit sets of the trigram and bigram hashes that have anchors (8 KB each, so they stay in the L1
   * cache: their look-ups land at random places).
   */
  private readonly trigrams = new Int32Array(0x10000 >>> 5);
  private readonly bigrams = new Int32Array(0x10000 >>> 5);
  /** Bit 1: a one-unit anchor is this unit; bit 2: a two-unit anchor starts with it. */
  private readonly firsts = new Uint8Array(0x10000);
  /** The number of the anchor of the last hit `find` returned (valid until the next call). */
  foundId = -1;
  private readonly automaton: AnchorAutomaton | undefined;
  private readonly batchOccurrences: number;
  /** The last automaton batch: its text, where it started, and its hits; `batchNext` is read next. */
  private batchText: string | undefined = undefined;
  private batchFrom = 0;
  private batchNext = 0;
  /** The batch was adopted (`adopt`) and not read yet: a search from 0 reads it. */
  private isAdopted = false;
  private readonly batch: AnchorBatch = {
    starts: new Int32Array(64),
    ids: new Int32Array(64),
    count: 0,
    completeTo: -1,
  };

  constructor(anchors: readonly string[], options: AnchorScannerOptions = {}) {
    this.anchors = anchors;
    this.automaton = options.useAutomaton === false ? undefined : AnchorAutomaton.of(anchors);
    this.batchOccurrences = options.batchOccurrences ?? batchOccurrences;
    const ids = new Map<string, number>();
    anchors.forEach((anchor, id) => {
      if (!ids.has(anchor)) ids.set(anchor, id);
    });
    this.anchorStarts = new Int32Array(anchors.length);
    this.anchorLengths = new Int32Array(anchors.length);
    this.units = new Uint16Array(anchors.reduce((total, anchor) => total + anchor.length, 0));
    let offset = 0;
    anchors.forEach((anchor, id) => {
      this.anchorStarts[id] = offset;
      this.anchorLengths[id] = anchor.length;
      for (let index = 0; index < anchor.length; index += 1) this.units[offset++] = anchor.charCodeAt(index);
    });
    const trigramLists = new Map<number, number[]>();
    const bigramLists = new Map<number, number[]>();
    for (const [anchor, id] of ids) {
      if (anchor.length === 0) continue;
      const first = anchor.charCodeAt(0);
      if (anchor.length === 1) {
        this.byUnigram.set(first, id);
        this.firsts[first] = (this.firsts[first] ?? 0) | 1;
        continue;
      }
      const second = anchor.charCodeAt(1);
      if (anchor.length === 2) {
        const hash = bigramHash(first, second);
        bigramLists.set(hash, [...(bigramLists.get(hash) ?? []), id]);
        this.bigrams[hash >>> 5] = (this.bigrams[hash >>> 5] ?? 0) | (1 << (hash & 31));
        this.firsts[first] = (this.firsts[first] ?? 0) | 2;
        continue;
      }
      const hash = trigramHash(first, second, anchor.charCodeAt(2));
      trigramLists.set(hash, [...(trigramLists.get(hash) ?? []), id]);
      this.trigrams[hash >>> 5] = (this.trigrams[hash >>> 5] ?? 0) | (1 << (hash & 31));
    }
    for (const [hash, list] of bigramLists) this.byBigram.set(hash, Int32Array.from(list));
    // Packed lists (compressed rows): counts per hash, running sums, then the ids of each list in
    // place. Only the hashes that have anchors are visited, so a scanner is cheap to build.
    const starts = this.trigramStarts;
    for (const [hash, list] of trigramLists) starts[hash + 1] = list.length;
    for (let hash = 0; hash < 0x10000; hash += 1)
      starts[hash + 1] = (starts[hash + 1] ?? 0) + (starts[hash] ?? 0);
    this.trigramIds = new Int32Array(starts[0x10000] ?? 0);
    for (const [hash, list] of trigramLists) {
      list.sort((left, right) => (anchors[right]?.length ?? 0) - (anchors[left]?.length ?? 0));
      this.trigramIds.set(list, starts[hash] ?? 0);
    }
  }

  /** The first position at or after `from` where an anchor starts, with the longest one there. */
  next(text: string, from: number): AnchorFound | undefined {
    const start = this.find(text, from);
    return start < 0 ? undefined : { start, anchor: this.anchors[this.foundId] ?? '' };
  }

  /** Whether anchor `id` occurs in `text` at `index` (compared unit by unit). */
  private startsAt(text: string, id: number, index: number, length: number): boolean {
    const anchorLength = this.anchorLengths[id] ?? 0;
    if (index + anchorLength > length) return false;
    const units = this.units;
    const start = this.anchorStarts[id] ?? 0;
    for (let offset = 0; offset < anchorLength; offset += 1) {
      if (text.charCodeAt(index + offset) !== units[start + offset]) return false;
    }
    return true;
  }

  /**
   * Like `next` without allocating: the start of the first hit at or after `from`, or -1; the number
   * of the anchor found is left in `foundId`. Anchors whose number is flagged in `skipped` are not
   * looked for (the longest of the others is found), as if they were not in the list.
   */
  find(text: string, from: number, skipped?: Uint8Array): number {
    if (skipped !== undefined || this.automaton === undefined) return this.findHashed(text, from, skipped);
    if (from >= text.length) return -1;
    const batch = this.batch;
    const isAdopted = this.isAdopted;
    this.isAdopted = false;
    // A search from 0 starts a new text (unless its hits were adopted): identical text in a new
    // string costs no comparison.
    if ((from === 0 && !isAdopted) || text !== this.batchText || from < this.batchFrom) {
      this.collect(text, from);
    }
    for (;;) {
      let next = this.batchNext;
      while (next > 0 && (batch.starts[next - 1] ?? 0) >= from) next -= 1;
      while (next < batch.count && (batch.starts[next] ?? 0) < from) next += 1;
      this.batchNext = next;
      if (next < batch.count) {
        this.foundId = batch.ids[next] ?? 0;
        return batch.starts[next] ?? 0;
      }
      if (batch.completeTo >= text.length - 1) return -1;
      this.collect(text, Math.max(from, batch.completeTo + 1));
    }
  }

  /**
   * A recorder of this scanner's automaton steps, for a pass that reads the text anyway; undefined
   * when the scanner has no automaton.
   */
  endsRecorder(): AnchorEnds | undefined {
    return this.automaton === undefined ? undefined : new AnchorEnds(this.automaton);
  }

  /**
   * Takes the hits of `text` from the steps `ends` recorded while a pass read it, for the searches
   * that follow (the next search from 0 does not read the text again). Ignored unless `ends` records
   * this scanner's automaton on this text.
   */
  adopt(text: string, ends: AnchorEnds): void {
    const automaton = this.automaton;
    if (automaton === undefined || ends.automaton !== automaton || ends.text !== text) return;
    const completeTo = ends.completeTo ?? text.length - 1;
    automaton.listRecorded(ends.rows, ends.indexes, ends.count, completeTo, this.batch);
    this.batchText = text;
    this.batchFrom = 0;
    this.batchNext = 0;
    this.isAdopted = true;
  }

  private collect(text: string, from: number): void {
    this.automaton?.collect(text, from, this.batchOccurrences, this.batch);
    this.batchText = text;
    this.batchFrom = from;
    this.batchNext = 0;
  }

  /** `find` by the hashed search. */
  private findHashed(text: string, from: number, skipped?: Uint8Array): number {
    const length = text.length;
    if (from >= length) return -1;
    const { trigrams, bigrams, firsts } = this;
    let first = text.charCodeAt(from);
    let second = from + 1 < length ? text.charCodeAt(from + 1) : -1;
    for (let index = from; index < length; index += 1) {
      const third = index + 2 < length ? text.charCodeAt(index + 2) : -1;
      if (third >= 0) {
        const hash = trigramHash(first, second, third);
        if ((((trigrams[hash >>> 5] ?? 0) >>> (hash & 31)) & 1) === 1) {
          const { trigramIds, anchorStarts, anchorLengths, units } = this;
          const listEnd = this.trigramStarts[hash + 1] ?? 0;
          for (let at = this.trigramStarts[hash] ?? 0; at < listEnd; at += 1) {
            const id = trigramIds[at] ?? 0;
            if (skipped !== undefined && skipped[id] === 1) continue;
            const anchorLength = anchorLengths[id] ?? 0;
            if (index + anchorLength > length) continue;
            const start = anchorStarts[id] ?? 0;
            // The hash says the first three units probably match: the fourth on usually tells.
            let offset = 3;
            while (offset < anchorLength && text.charCodeAt(index + offset) === units[start + offset]) {
              offset += 1;
            }
            if (
              offset === anchorLength &&
              first === units[start] &&
              second === units[start + 1] &&
              third === units[start + 2]
            ) {
              this.foundId = id;
              return index;
            }
          }
        }
      }
      const firstFlags = firsts[first] ?? 0;
      if (firstFlags !== 0) {
        if (second >= 0 && (firstFlags & 2) !== 0) {
          const hash = bigramHash(first, second);
          if ((((bigrams[hash >>> 5] ?? 0) >>> (hash & 31)) & 1) === 1) {
            const list = this.byBigram.get(hash) ?? noIds;
            for (let at = 0; at < list.length; at += 1) {
              const id = list[at] ?? 0;
              if ((skipped === undefined || skipped[id] !== 1) && this.startsAt(text, id, index, length)) {
                this.foundId = id;
                return index;
              }
            }
          }
        }
        if ((firstFlags & 1) !== 0) {
          const id = this.byUnigram.get(first);
          if (id !== undefined && (skipped === undefined || skipped[id] !== 1)) {
            this.foundId = id;
            return index;
          }
        }
      }
      first = second;
      second = third;
    }
    return -1;
  }
}
