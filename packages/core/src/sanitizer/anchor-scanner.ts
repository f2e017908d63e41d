/** Where an anchor starts, and which one (the longest starting there). */
export interface AnchorFound {
  readonly start: number;
  readonly anchor: string;
}

const bigramHash = (first: number, second: number): number => (Math.imul(first, 31) + second) & 0xffff;
const trigramHash = (first: number, second: number, third: number): number =>
  (Math.imul(first, 961) + Math.imul(second, 31) + third) & 0xffff;

/** `text.startsWith(anchor, index)` as an inlinable loop (the built-in is a call per candidate). */
function startsAt(text: string, anchor: string, index: number, length: number): boolean {
  const anchorLength = anchor.length;
  if (index + anchorLength > length) return false;
  for (let offset = 0; offset < anchorLength; offset += 1) {
    if (text.charCodeAt(index + offset) !== anchor.charCodeAt(offset)) return false;
  }
  return true;
}

/**
 * Finds anchors with one JavaScript pass and table look-ups instead of a regular expression
 * alternation of hundreds of literals: a 64 K-entry table of the hashed first three code units of
 * every anchor (two or one for shorter anchors) rejects almost every position with one look-up, and
 * only positions that pass are compared with the anchors that start that way, longest first. It
 * answers exactly what `/anchor|anchor|…/g` (longest first) answers from the same index.
 */
export class AnchorScanner {
  /**
   * Anchors of three or more code units by the hash of their first three, longest first. Keyed by
   * that small integer (not by a 48-bit number, a heap number to hash) and looked up only where the
   * filter below passes; every candidate is confirmed, so a hash collision costs a comparison, never
   * a wrong hit.
   */
  private readonly byTrigram = new Map<number, string[]>();
  /** Two-unit anchors by the hash of their units (confirmed by comparing both units). */
  private readonly byBigram = new Map<number, string[]>();
  /** One-unit anchors by their code unit. */
  private readonly byUnigram = new Map<number, string>();
  /** 1 where the table of the same name has an entry: a byte look-up rejects most positions. */
  // The trigram filter is a bit set (8 KB, stays in the L1 cache: its look-ups are at random
  // places); the others are indexed by the first code unit, whose look-ups cluster (one script).
  private readonly trigrams = new Int32Array(0x10000 >>> 5);
  /** Bit 1: a one-unit anchor is this unit; bit 2: a two-unit anchor starts with it. */
  private readonly firsts = new Uint8Array(0x10000);
  /** The anchor of the last hit `find` returned (valid until the next call). */
  foundAnchor = '';

  constructor(anchors: readonly string[]) {
    for (const anchor of new Set(anchors)) {
      const first = anchor.charCodeAt(0);
      if (anchor.length === 1) {
        this.byUnigram.set(first, anchor);
        this.firsts[first] = (this.firsts[first] ?? 0) | 1;
        continue;
      }
      const second = anchor.charCodeAt(1);
      if (anchor.length === 2) {
        const hash = bigramHash(first, second);
        this.byBigram.set(hash, [...(this.byBigram.get(hash) ?? []), anchor]);
        this.firsts[first] = (this.firsts[first] ?? 0) | 2;
        continue;
      }
      const hash = trigramHash(first, second, anchor.charCodeAt(2));
      this.byTrigram.set(hash, [...(this.byTrigram.get(hash) ?? []), anchor]);
      this.trigrams[hash >>> 5] = (this.trigrams[hash >>> 5] ?? 0) | (1 << (hash & 31));
    }
    for (const list of this.byTrigram.values()) list.sort((left, right) => right.length - left.length);
  }

  /** The first position at or after `from` where an anchor starts, with the longest one there. */
  next(text: string, from: number): AnchorFound | undefined {
    const start = this.find(text, from);
    return start < 0 ? undefined : { start, anchor: this.foundAnchor };
  }

  /**
   * Like `next` without allocating: the start of the first hit at or after `from`, or -1; the anchor
   * found is left in `foundAnchor`.
   */
  find(text: string, from: number): number {
    const length = text.length;
    if (from >= length) return -1;
    const { trigrams, firsts } = this;
    let first = text.charCodeAt(from);
    let second = from + 1 < length ? text.charCodeAt(from + 1) : -1;
    for (let index = from; index < length; index += 1) {
      const third = index + 2 < length ? text.charCodeAt(index + 2) : -1;
      const hash = trigramHash(first, second, third);
      if (third >= 0 && (((trigrams[hash >>> 5] ?? 0) >>> (hash & 31)) & 1) === 1) {
        const list = this.byTrigram.get(hash);
        if (list !== undefined) {
          for (const anchor of list) {
            if (startsAt(text, anchor, index, length)) {
              this.foundAnchor = anchor;
              return index;
            }
          }
        }
      }
      const firstFlags = firsts[first] ?? 0;
      if (firstFlags === 0) {
        first = second;
        second = third;
        continue;
      }
      if (second >= 0 && (firstFlags & 2) !== 0) {
        const list = this.byBigram.get(bigramHash(first, second));
        if (list !== undefined) {
          for (const anchor of list) {
            if (anchor.charCodeAt(0) === first && anchor.charCodeAt(1) === second) {
              this.foundAnchor = anchor;
              return index;
            }
          }
        }
      }
      const single = (firstFlags & 1) !== 0 ? this.byUnigram.get(first) : undefined;
      if (single !== undefined) {
        this.foundAnchor = single;
        return index;
      }
      first = second;
      second = third;
    }
    return -1;
  }
}
