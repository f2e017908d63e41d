import { toCyrillic, toLatinLetter, toLatinWithLeet } from './confusables.js';

/** The normalized forms of one message that patterns run on. */
export interface MatchingViews {
  /** NFKC, lower-cased, Cyrillic/Greek look-alikes folded to Latin; punctuation kept. */
  readonly symbols: string;
  /** Words joined by one space: look-alikes and leetspeak folded, spaced letters collapsed. */
  readonly words: string;
}

const kindSeparator = 0;
const kindLatin = 1;
const kindCyrillic = 2;
const kindGreek = 3;
const kindDigit = 4;
const kindOther = 5;
const kindLeetSymbol = 6;

function kindOf(code: number): number {
  if (code < 0x80) {
    if (code >= 0x61 && code <= 0x7a) return kindLatin;
    if (code >= 0x30 && code <= 0x39) return kindDigit;
    if (code === 0x40 || code === 0x24 || code === 0x21 || code === 0x7c) return kindLeetSymbol;
    return kindSeparator;
  }
  if (code < 0xc0 || code === 0xd7 || code === 0xf7) return kindSeparator;
  if (code < 0x370) return kindLatin;
  if (code < 0x400) return kindGreek;
  if (code < 0x530) return kindCyrillic;
  if (code >= 0x2000 && code <= 0x2bff) return kindSeparator;
  if (code >= 0x3000 && code <= 0x303f) return kindSeparator;
  if (code >= 0xd800 && code <= 0xdfff) return kindSeparator;
  if (code >= 0xfe10 && code <= 0xfe6f) return kindSeparator;
  if (code >= 0xff00 && code <= 0xff65) return kindSeparator;
  return kindOther;
}

/** The kind of every UTF-16 code unit, looked up instead of computed (64 KB, built once). */
const kinds = new Uint8Array(0x10000);
for (let code = 0; code < 0x10000; code += 1) kinds[code] = kindOf(code);

/** +1 for a–z, −1 for Cyrillic: summed over a text, tells a mostly-Latin message. */
const scriptBalance = new Int8Array(0x10000);
for (let code = 0x61; code <= 0x7a; code += 1) scriptBalance[code] = 1;
for (let code = 0x400; code < 0x530; code += 1) scriptBalance[code] = -1;

const isLetterKind = (kind: number): boolean =>
  kind === kindLatin || kind === kindCyrillic || kind === kindGreek;

/**
 * Code units to a string. Buffer's UTF-16LE decoding copies the units as they are (lone surrogates
 * included) and is far faster than `String.fromCharCode`; typed arrays are little-endian on every
 * platform Node runs on.
 */
function fromCodeUnits(units: Uint16Array, length: number): string {
  return Buffer.from(units.buffer, units.byteOffset, length * 2).toString('utf16le');
}

const foldableToLatin = /[\u0370-\u052f]/;

/** Reused by every fold (the sanitizer is synchronous), grown on demand. */
let foldBuffer = new Uint16Array(4096);

/** Folds Cyrillic and Greek look-alike letters to Latin, one code unit for one (positions kept). */
export function foldToLatin(text: string): string {
  if (!foldableToLatin.test(text)) return text;
  if (foldBuffer.length < text.length) foldBuffer = new Uint16Array(text.length);
  const units = foldBuffer;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    const replacement = code < 0x500 ? (toLatinLetter[code] ?? 0) : 0;
    units[index] = replacement === 0 ? code : replacement;
  }
  return fromCodeUnits(units, text.length);
}

/** A code unit outside ASCII; ASCII-only text needs no NFKC. */
const nonAscii = /[^\u0000-\u007f]/; // eslint-disable-line no-control-regex -- the whole ASCII range

const minimumSpacedRun = 5;
/** Letters further apart than this are not one spaced-out word. */
const maximumSpacedGap = 3;

function isFullyFoldable(text: string, start: number, end: number): boolean {
  for (let index = start; index < end; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 0x400 && code < 0x530 && (toLatinLetter[code] ?? 0) === 0) return false;
  }
  return true;
}

/** The folding table for one word, or undefined to keep it as typed. */
function tableForWord(
  text: string,
  start: number,
  end: number,
  isLatinMessage: boolean,
): Uint16Array | undefined {
  let latin = 0;
  let cyrillic = 0;
  let greek = 0;
  let hasDigitOrSymbol = false;
  for (let index = start; index < end; index += 1) {
    const kind = kinds[text.charCodeAt(index)];
    if (kind === kindLatin) latin += 1;
    else if (kind === kindCyrillic) cyrillic += 1;
    else if (kind === kindGreek) greek += 1;
    else if (kind === kindDigit || kind === kindLeetSymbol) hasDigitOrSymbol = true;
  }
  if (latin + cyrillic + greek === 0) return undefined;
  if (latin > 0 && cyrillic > 0 && Math.abs(latin - cyrillic) <= 1) {
    // Too close to call from the word alone ("yсi"): the script of the message decides.
    return isLatinMessage ? toLatinWithLeet : toCyrillic;
  }
  if (latin >= cyrillic) return greek > 0 || cyrillic > 0 || hasDigitOrSymbol ? toLatinWithLeet : undefined;
  if (latin === 0 && greek === 0) {
    if (isLatinMessage && isFullyFoldable(text, start, end)) return toLatinWithLeet;
    return hasDigitOrSymbol ? toCyrillic : undefined;
  }
  return toCyrillic;
}

/** Reusable buffers of one words-view build, grown on demand (the sanitizer is synchronous). */
interface WordBuffers {
  starts: Int32Array;
  ends: Int32Array;
  output: Uint16Array;
}

const buffers: WordBuffers = {
  starts: new Int32Array(1024),
  ends: new Int32Array(1024),
  output: new Uint16Array(4096),
};

function buffersFor(textLength: number): WordBuffers {
  if (buffers.output.length < textLength + 1) buffers.output = new Uint16Array(textLength + 1);
  // At most one word per two code units (a word character and a separator).
  const maximumWords = (textLength >> 1) + 1;
  if (buffers.starts.length < maximumWords) {
    buffers.starts = new Int32Array(maximumWords);
    buffers.ends = new Int32Array(maximumWords);
  }
  return buffers;
}

/** Appends one word, folded with `table` when given, to `output` at `at`; returns the new end. */
function writeWord(
  text: string,
  start: number,
  end: number,
  table: Uint16Array | undefined,
  output: Uint16Array,
  at: number,
): number {
  let position = at;
  for (let index = start; index < end; index += 1) {
    const code = text.charCodeAt(index);
    const replacement = table !== undefined && code < 0x500 ? (table[code] ?? 0) : 0;
    output[position] = replacement === 0 ? code : replacement;
    position += 1;
  }
  return position;
}

/**
 * The words view of lower-cased NFKC text: words are runs of letters, digits and other non-separator
 * characters (a leet symbol only before a letter); each word with mixed scripts, digits or symbols is
 * folded to Latin or to Cyrillic (look-alikes, leetspeak); five or more single letters a few
 * separators apart are joined ("i g n o r e" → "ignore"); words are joined by one space. A few linear
 * passes over typed arrays.
 */
export function buildWordsView(lower: string): string {
  const length = lower.length;
  const { starts, ends, output } = buffersFor(length);
  let balance = 0;
  let wordCount = 0;
  let previousEnd = -1;
  const firstCode = length > 0 ? lower.charCodeAt(0) : 0x20;
  let kind = kinds[firstCode] ?? kindSeparator;
  balance += scriptBalance[firstCode] ?? 0;
  for (let index = 0; index < length; index += 1) {
    const nextCode = index + 1 < length ? lower.charCodeAt(index + 1) : 0x20;
    const nextKind = kinds[nextCode] ?? kindSeparator;
    balance += scriptBalance[nextCode] ?? 0;
    if (kind !== kindSeparator && (kind !== kindLeetSymbol || isLetterKind(nextKind))) {
      if (previousEnd !== index) {
        starts[wordCount] = index;
        wordCount += 1;
      }
      previousEnd = index + 1;
      ends[wordCount - 1] = previousEnd;
    }
    kind = nextKind;
  }
  // At least as many Latin (a–z) as Cyrillic code units: a mostly-Latin message.
  const isLatinMessage = balance >= 0;
  let written = 0;
  let word = 0;
  while (word < wordCount) {
    const start = starts[word] ?? 0;
    const end = ends[word] ?? 0;
    if (end - start !== 1) {
      if (written > 0) output[written++] = 0x20;
      written = writeWord(
        lower,
        start,
        end,
        tableForWord(lower, start, end, isLatinMessage),
        output,
        written,
      );
      word += 1;
      continue;
    }
    // A block of single letters: "i g n o r e   a l l" -> "ignore all" (wide gaps split words).
    let blockEnd = word + 1;
    while (
      blockEnd < wordCount &&
      (ends[blockEnd] ?? 0) - (starts[blockEnd] ?? 0) === 1 &&
      (starts[blockEnd] ?? 0) - (ends[blockEnd - 1] ?? 0) <= maximumSpacedGap
    ) {
      blockEnd += 1;
    }
    const isJoined = blockEnd - word >= minimumSpacedRun;
    for (let at = word; at < blockEnd; at += 1) {
      const letterStart = starts[at] ?? 0;
      const isContinued = isJoined && at > word && letterStart - (ends[at - 1] ?? 0) <= 1;
      if (!isContinued && written > 0) output[written++] = 0x20;
      const table = tableForWord(lower, letterStart, letterStart + 1, isLatinMessage);
      written = writeWord(lower, letterStart, letterStart + 1, table, output, written);
    }
    word = blockEnd;
  }
  return fromCodeUnits(output, written);
}

/** NFKC of visible text; ASCII text is its own NFKC form, so it skips the call. */
export function toNormalizationForm(visible: string): string {
  return nonAscii.test(visible) ? visible.normalize('NFKC') : visible;
}

/**
 * Builds the views patterns run on from NFKC text: lower case, look-alike folding, leetspeak,
 * spaced-letter collapsing. Linear in the length of the text.
 */
export function buildViewsFromNormalized(normalized: string): MatchingViews {
  const lower = normalized.toLowerCase();
  return { symbols: foldToLatin(lower), words: buildWordsView(lower) };
}

/**
 * Builds the views patterns run on from visible text: NFKC, lower case, look-alike folding,
 * leetspeak, spaced-letter collapsing. Linear in the length of `visible`.
 */
export function buildMatchingViews(visible: string): MatchingViews {
  return buildViewsFromNormalized(toNormalizationForm(visible));
}
