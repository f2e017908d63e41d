/** Where an anchor starts, and which one (the longest starting there). */
export interface AnchorFound {
  readonly start: number;
  readonly anchor: string;
}

const bigramHash = (first: number, second: number): number => (Math.imul(first, 31) + second) & 0xffff;
const trigramHash = (first: number, second: number, third: number): number =>
  (Math.imul(first, 961) + Math.imul(second, 31) + third) & 0xffff;

/** A packed 64 K-entry table (`new Array(65536)` would be a slow dictionary of holes). */
const emptyTable = <T>(): (T | undefined)[] =>
  Array.from({ length: 0x10000 }, (): T | undefined => undefined);

/**
 * Finds anchors with one JavaScript pass and table look-ups instead of a regular expression
 * alternation of hundreds of literals: a 64 K-entry table of the hashed first three code units of
 * every anchor (two or one for shorter anchors) rejects almost every position with one look-up, and
 * only positions that pass are compared with the anchors that start that way, longest first. It
 * answers exactly what `/anchor|anchor|…/g` (longest first) answers from the same index.
 */
export class AnchorScanner {
  /**
   * Anchors of three or more code units by the hash of their first three, longest first. Indexed by
   * a small integer (not a `Map` keyed by a 48-bit number, which is a heap number to hash), and every
   * candidate is confirmed with `startsWith`, so hash collisions cost a comparison, never a wrong hit.
   */
  private readonly byTrigram: (string[] | undefined)[] = emptyTable<string[]>();
  /** Two-unit anchors by the hash of their units (confirmed by comparing both units). */
  private readonly byBigram: (string[] | undefined)[] = emptyTable<string[]>();
  /** One-unit anchors by their code unit. */
  private readonly byUnigram: (string | undefined)[] = emptyTable<string>();
  /** 1 where the table of the same name has an entry: a byte look-up rejects most positions. */
  private readonly trigrams = new Uint8Array(0x10000);
  private readonly bigrams = new Uint8Array(0x10000);
  private readonly unigrams = new Uint8Array(0x10000);
  /** The anchor of the last hit `find` returned (valid until the next call). */
  foundAnchor = '';

  constructor(anchors: readonly string[]) {
    for (const anchor of new Set(anchors)) {
      const first = anchor.charCodeAt(0);
      if (anchor.length === 1) {
        this.byUnigram[first] = anchor;
        this.unigrams[first] = 1;
        continue;
      }
      const second = anchor.charCodeAt(1);
      if (anchor.length === 2) {
        const hash = bigramHash(first, second);
        this.byBigram[hash] = [...(this.byBigram[hash] ?? []), anchor];
        this.bigrams[hash] = 1;
        continue;
      }
      const hash = trigramHash(first, second, anchor.charCodeAt(2));
      this.byTrigram[hash] = [...(this.byTrigram[hash] ?? []), anchor];
      this.trigrams[hash] = 1;
    }
    for (const list of this.byTrigram) list?.sort((left, right) => right.length - left.length);
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
    const { trigrams, bigrams, unigrams } = this;
    let first = text.charCodeAt(from);
    let second = from + 1 < length ? text.charCodeAt(from + 1) : -1;
    for (let index = from; index < length; index += 1) {
      const third = index + 2 < length ? text.charCodeAt(index + 2) : -1;
      if (third >= 0 && trigrams[trigramHash(first, second, third)] === 1) {
        const list = this.byTrigram[trigramHash(first, second, third)];
        if (list !== undefined) {
          for (const anchor of list) {
            if (text.startsWith(anchor, index)) {
              this.foundAnchor = anchor;
              return index;
            }
          }
        }
      }
      if (second >= 0 && bigrams[bigramHash(first, second)] === 1) {
        const list = this.byBigram[bigramHash(first, second)];
        if (list !== undefined) {
          for (const anchor of list) {
            if (anchor.charCodeAt(0) === first && anchor.charCodeAt(1) === second) {
              this.foundAnchor = anchor;
              return index;
            }
          }
        }
      }
      const single = unigrams[first] === 1 ? this.byUnigram[first] : undefined;
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
