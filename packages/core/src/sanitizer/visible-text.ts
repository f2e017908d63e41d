import { type PossibleRuns, possibleRunsIn } from './encoded-payloads.js';
import { isSafeSurrogatePair, nfkcSafeUnits } from './nfkc-quick-check.js';
import { codeUnitsOf } from './code-units.js';

/** The visible text of a message and what was hidden in it. */
export interface VisibleText {
  /** The text without invisible/control characters, capped at `maxLength` code units. */
  readonly text: string;
  /** ASCII decoded from invisible Unicode tag characters (U+E0020–U+E007E), capped. */
  readonly tagText: string;
  /** How many invisible or control characters were removed (tag characters included). */
  readonly removedCount: number;
  /** True when visible text was cut at `maxLength`. */
  readonly isTruncated: boolean;
  /** Whether `text` can hold base64/hex runs, when the scan found out on the way (else undefined). */
  readonly runs?: PossibleRuns;
  /** True when the scan found `text` to be its own NFKC form on the way (else undefined: not known). */
  readonly isNormalized?: boolean;
  /**
   * When `isNormalized` is false: every code point that fails the NFKC quick check lies in
   * `[unsafeFrom, unsafeTo)` (block bounds, which may split a surrogate pair).
   */
  readonly unsafeFrom?: number;
  readonly unsafeTo?: number;
}

function isInvisibleUnit(code: number): boolean {
  if (code < 0x20) return code !== 0x09 && code !== 0x0a && code !== 0x0d;
  if (code < 0x7f) return false;
  if (code <= 0x9f) return true;
  if (code < 0x00ad) return false;
  return (
    code === 0x00ad ||
    code === 0x034f ||
    code === 0x061c ||
    code === 0x115f ||
    code === 0x1160 ||
    code === 0x17b4 ||
    code === 0x17b5 ||
    (code >= 0x180b && code <= 0x180f) ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x206f) ||
    code === 0x3164 ||
    (code >= 0xfe00 && code <= 0xfe0f) ||
    code === 0xfeff ||
    code === 0xffa0 ||
    (code >= 0xfff9 && code <= 0xfffb)
  );
}

/** Removed: invisible, control. */
const unitSuspect = 1;
/** Does not pass the NFKC quick check. */
const unitNfkcUnsafe = 2;
/** A surrogate: kept in a valid pair, unless its code point is invisible; removed when lone. */
const unitSurrogate = 4;

/** The flags above for every UTF-16 code unit (64 KB, built once). */
const unitClasses = new Uint8Array(0x10000);
for (let code = 0; code < 0x10000; code += 1) {
  let flags = 0;
  if (isInvisibleUnit(code)) flags |= unitSuspect;
  if (code >= 0xd800 && code <= 0xdfff) flags |= unitSurrogate;
  else if (nfkcSafeUnits[code] !== 1) flags |= unitNfkcUnsafe;
  unitClasses[code] = flags;
}

function isInvisibleCodePoint(codePoint: number): boolean {
  return (
    (codePoint >= 0xe0000 && codePoint <= 0xe007f) ||
    (codePoint >= 0xe0100 && codePoint <= 0xe01ef) ||
    (codePoint >= 0x1d173 && codePoint <= 0x1d17a)
  );
}

const noRuns: PossibleRuns = { hasBase64: false, hasHex: false };
const scanBlock = 256;

/**
 * The surrogates in `[start, end)`: `unitSuspect` when one is lone or its pair's code point is
 * invisible (to be removed), else `unitNfkcUnsafe` when a pair's code point is not NFKC-safe, else 0.
 * Each pair is judged at its high surrogate, which may be the last unit before `end`.
 */
function surrogateFlags(codes: Uint16Array, start: number, end: number, length: number): number {
  let flags = 0;
  for (let index = start; index < end; index += 1) {
    const code = codes[index] ?? 0;
    if (code < 0xd800 || code > 0xdfff) continue;
    if (code >= 0xdc00) {
      const previous = index > 0 ? (codes[index - 1] ?? 0) : 0;
      if (previous < 0xd800 || previous > 0xdbff) return unitSuspect;
      continue;
    }
    const next = index + 1 < length ? (codes[index + 1] ?? 0) : 0;
    if (next < 0xdc00 || next > 0xdfff) return unitSuspect;
    if (isSafeSurrogatePair(code, next)) continue;
    if (isInvisibleCodePoint(((code - 0xd800) << 10) + (next - 0xdc00) + 0x10000)) return unitSuspect;
    flags = unitNfkcUnsafe;
  }
  return flags;
}

/**
 * One pass that tells whether the input needs any removal (a valid surrogate pair of a visible code
 * point needs none) and where code points that fail the NFKC quick check can be (none when
 * `unsafeTo` is 0); when nothing is removed, also whether it can hold base64 or hex runs (the same
 * answer as `possibleRuns`, which then need not run again).
 */
function scanUnits(
  codes: Uint16Array,
  length: number,
): { hasSuspect: boolean; runs: PossibleRuns; unsafeFrom: number; unsafeTo: number } {
  const classes = unitClasses;
  let unsafeFrom = length;
  let unsafeTo = 0;
  // In blocks, so text with something to remove stops early without a test per unit.
  for (let block = 0; block < length; block += scanBlock) {
    const end = Math.min(block + scanBlock, length);
    let flags = 0;
    for (let index = block; index < end; index += 1) flags |= classes[codes[index] ?? 0] ?? 0;
    if ((flags & unitSurrogate) !== 0) flags |= surrogateFlags(codes, block, end, length);
    if ((flags & unitSuspect) !== 0) return { hasSuspect: true, runs: noRuns, unsafeFrom: 0, unsafeTo: 0 };
    if ((flags & unitNfkcUnsafe) !== 0) {
      if (unsafeFrom === length) unsafeFrom = block;
      unsafeTo = end;
    }
  }
  return { hasSuspect: false, runs: possibleRunsIn(codes, length), unsafeFrom, unsafeTo };
}

/**
 * Removes zero-width, bidi, control, tag and variation-selector characters and lone surrogates, and
 * caps the result at `maxLength` code units without splitting a surrogate pair. Everything else (the
 * user's words, emoji, line breaks and tabs) is kept as typed. Linear in the scanned input.
 */
export function toVisibleText(input: string, maxLength: number): VisibleText {
  if (input.length <= maxLength) {
    const { hasSuspect, runs, unsafeFrom, unsafeTo } = scanUnits(codeUnitsOf(input), input.length);
    if (!hasSuspect) {
      const isNormalized = unsafeTo === 0;
      return {
        text: input,
        tagText: '',
        removedCount: 0,
        isTruncated: false,
        runs,
        isNormalized,
        unsafeFrom,
        unsafeTo,
      };
    }
  }
  let text = '';
  let tagText = '';
  let removedCount = 0;
  let isTruncated = false;
  let segmentStart = 0;
  let index = 0;
  const length = input.length;
  while (index < length) {
    if (text.length + (index - segmentStart) >= maxLength) {
      isTruncated = true;
      break;
    }
    // charCodeAt, not a copy: a long input is read only up to where the visible text reaches maxLength.
    const code = input.charCodeAt(index);
    if (((unitClasses[code] ?? 0) & (unitSuspect | unitSurrogate)) === 0) {
      index += 1;
      continue;
    }
    if (code >= 0xd800 && code <= 0xdbff) {
      const next = index + 1 < length ? input.charCodeAt(index + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        const codePoint = ((code - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
        if (isInvisibleCodePoint(codePoint)) {
          text += input.slice(segmentStart, index);
          if (codePoint >= 0xe0020 && codePoint <= 0xe007e && tagText.length < maxLength) {
            tagText += String.fromCharCode(codePoint - 0xe0000);
          }
          removedCount += 1;
          index += 2;
          segmentStart = index;
          continue;
        }
        if (text.length + (index - segmentStart) + 2 > maxLength) {
          isTruncated = true;
          break;
        }
        index += 2;
        continue;
      }
      text += input.slice(segmentStart, index);
      removedCount += 1;
      index += 1;
      segmentStart = index;
      continue;
    }
    if ((code >= 0xdc00 && code <= 0xdfff) || isInvisibleUnit(code)) {
      text += input.slice(segmentStart, index);
      removedCount += 1;
      index += 1;
      segmentStart = index;
      continue;
    }
    index += 1;
  }
  text += input.slice(segmentStart, index);
  return { text, tagText, removedCount, isTruncated };
}
