import { toCyrillic, toLatinLetter, toLatinWithLeet } from './confusables.js';
import { identityUnits, lowerCaseSpecial, lowerCaseUnits } from './lower-case-table.js';
import { isQuickNfkc } from './nfkc-quick-check.js';

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

const minimumSpacedRun = 5;
/** Letters further apart than this are not one spaced-out word. */
const maximumSpacedGap = 3;

/** Reusable buffers of one words-view build, grown on demand (the sanitizer is synchronous). */
interface WordBuffers {
  /** The lower-cased text. */
  lower: Uint16Array;
  /** The symbols view, built on the way when asked for. */
  symbols: Uint16Array;
  starts: Int32Array;
  ends: Int32Array;
  /** Per word: Latin (a–z and Latin letters) minus Cyrillic letters, and the counts as bits below. */
  latinCounts: Int32Array;
  cyrillicCounts: Int32Array;
  /** Per word: bit 1 a Greek letter, bit 2 a digit or leet symbol. */
  flags: Uint8Array;
  output: Uint16Array;
}

const flagGreek = 1;
const flagDigitOrSymbol = 2;

const buffers: WordBuffers = {
  lower: new Uint16Array(4096),
  symbols: new Uint16Array(4096),
  starts: new Int32Array(1024),
  ends: new Int32Array(1024),
  latinCounts: new Int32Array(1024),
  cyrillicCounts: new Int32Array(1024),
  flags: new Uint8Array(1024),
  output: new Uint16Array(4096),
};

function buffersFor(textLength: number): WordBuffers {
  if (buffers.output.length < textLength + 1) {
    buffers.output = new Uint16Array(textLength + 1);
    buffers.lower = new Uint16Array(textLength + 1);
    buffers.symbols = new Uint16Array(textLength + 1);
  }
  // At most one word per two code units (a word character and a separator).
  const maximumWords = (textLength >> 1) + 1;
  if (buffers.starts.length < maximumWords) {
    buffers.starts = new Int32Array(maximumWords);
    buffers.ends = new Int32Array(maximumWords);
    buffers.latinCounts = new Int32Array(maximumWords);
    buffers.cyrillicCounts = new Int32Array(maximumWords);
    buffers.flags = new Uint8Array(maximumWords);
  }
  return buffers;
}

// Module-local references: imported bindings can be getters after some transforms, and these are
// read once per code unit.
const latinWithLeet = toLatinWithLeet;
const cyrillicTable = toCyrillic;
const latinLetters = toLatinLetter;
const lowerUnits = lowerCaseUnits;
const specialUnits = lowerCaseSpecial;

/** Lower case with Cyrillic and Greek look-alikes folded to Latin, per code unit (see the symbols view). */
const symbolUnits = new Uint16Array(0x10000);
for (let code = 0; code < 0x10000; code += 1) {
  const lower = lowerCaseUnits[code] ?? code;
  const folded = lower < 0x500 ? (toLatinLetter[lower] ?? 0) : 0;
  symbolUnits[code] = folded === 0 ? lower : folded;
}

function isFullyFoldable(lower: Uint16Array, start: number, end: number): boolean {
  for (let index = start; index < end; index += 1) {
    const code = lower[index] ?? 0;
    if (code >= 0x400 && code < 0x530 && (latinLetters[code] ?? 0) === 0) return false;
  }
  return true;
}

/** The folding table for one word, or undefined to keep it as typed. */
function tableForWord(
  word: number,
  { lower, starts, ends, latinCounts, cyrillicCounts, flags }: WordBuffers,
  isLatinMessage: boolean,
): Uint16Array | undefined {
  const latin = latinCounts[word] ?? 0;
  const cyrillic = cyrillicCounts[word] ?? 0;
  const wordFlags = flags[word] ?? 0;
  const hasGreek = (wordFlags & flagGreek) !== 0;
  const hasDigitOrSymbol = (wordFlags & flagDigitOrSymbol) !== 0;
  if (latin + cyrillic === 0 && !hasGreek) return undefined;
  if (latin > 0 && cyrillic > 0 && Math.abs(latin - cyrillic) <= 1) {
    // Too close to call from the word alone ("yсi"): the script of the message decides.
    return isLatinMessage ? latinWithLeet : cyrillicTable;
  }
  if (latin >= cyrillic) return hasGreek || cyrillic > 0 || hasDigitOrSymbol ? latinWithLeet : undefined;
  if (latin === 0 && !hasGreek) {
    if (isLatinMessage && isFullyFoldable(lower, starts[word] ?? 0, ends[word] ?? 0)) return latinWithLeet;
    return hasDigitOrSymbol ? cyrillicTable : undefined;
  }
  return cyrillicTable;
}

/** Appends one word, folded with `table` when given, to `output` at `at`; returns the new end. */
function writeWord(
  lower: Uint16Array,
  start: number,
  end: number,
  table: Uint16Array | undefined,
  output: Uint16Array,
  at: number,
): number {
  let position = at;
  if (table === undefined) {
    for (let index = start; index < end; index += 1) output[position++] = lower[index] ?? 0;
    return position;
  }
  for (let index = start; index < end; index += 1) {
    const code = lower[index] ?? 0;
    const replacement = code < 0x500 ? (table[code] ?? 0) : 0;
    output[position++] = replacement === 0 ? code : replacement;
  }
  return position;
}

/** The balance of Latin and Cyrillic units of the last `splitWords` (≥ 0: a mostly-Latin message). */
let lastBalance = 0;
/** Whether the symbols view built by the last `splitWords` differs from its text. */
let lastSymbolsChanged = false;

/**
 * Splits text into words, counting the scripts of each (pass one of the words view); with
 * `lowerCase` (else the text is lower case already), also lower-cases it by table and writes the
 * symbols view on the way. Returns the number of words, or -1 when `lowerCase` is on and `text` holds
 * a unit the table cannot lower-case alone (see `lowerCaseSpecial`).
 */
function splitWords(text: string, into: WordBuffers, lowerCase: boolean): number {
  const length = text.length;
  const lowerUnitsTable = lowerCase ? lowerUnits : identityUnits;
  const { lower, symbols, starts, ends, latinCounts, cyrillicCounts, flags } = into;
  const symbolTable = symbolUnits;
  let symbolsChanged = false;
  let balance = 0;
  let wordCount = 0;
  let previousEnd = -1;
  let latin = 0;
  let cyrillic = 0;
  let wordFlags = 0;
  const firstRaw = length > 0 ? text.charCodeAt(0) : 0x20;
  if (lowerCase && specialUnits[firstRaw] === 1) return -1;
  let code = lowerUnitsTable[firstRaw] ?? 0x20;
  lower[0] = code;
  if (lowerCase && length > 0) {
    const symbol = symbolTable[firstRaw] ?? 0;
    symbols[0] = symbol;
    if (symbol !== firstRaw) symbolsChanged = true;
  }
  let kind = kinds[code] ?? kindSeparator;
  balance += scriptBalance[code] ?? 0;
  for (let index = 0; index < length; index += 1) {
    let nextCode = 0x20;
    if (index + 1 < length) {
      const raw = text.charCodeAt(index + 1);
      if (lowerCase && specialUnits[raw] === 1) return -1;
      nextCode = lowerUnitsTable[raw] ?? 0;
      lower[index + 1] = nextCode;
      if (lowerCase) {
        const symbol = symbolTable[raw] ?? 0;
        symbols[index + 1] = symbol;
        if (symbol !== raw) symbolsChanged = true;
      }
    }
    const nextKind = kinds[nextCode] ?? kindSeparator;
    balance += scriptBalance[nextCode] ?? 0;
    if (kind !== kindSeparator && (kind !== kindLeetSymbol || isLetterKind(nextKind))) {
      if (previousEnd !== index) {
        if (wordCount > 0) {
          latinCounts[wordCount - 1] = latin;
          cyrillicCounts[wordCount - 1] = cyrillic;
          flags[wordCount - 1] = wordFlags;
        }
        latin = 0;
        cyrillic = 0;
        wordFlags = 0;
        starts[wordCount] = index;
        wordCount += 1;
      }
      if (kind === kindLatin) latin += 1;
      else if (kind === kindCyrillic) cyrillic += 1;
      else if (kind === kindGreek) wordFlags |= flagGreek;
      else if (kind === kindDigit || kind === kindLeetSymbol) wordFlags |= flagDigitOrSymbol;
      previousEnd = index + 1;
      ends[wordCount - 1] = previousEnd;
    }
    code = nextCode;
    kind = nextKind;
  }
  if (wordCount > 0) {
    latinCounts[wordCount - 1] = latin;
    cyrillicCounts[wordCount - 1] = cyrillic;
    flags[wordCount - 1] = wordFlags;
  }
  lastBalance = balance;
  lastSymbolsChanged = symbolsChanged;
  return wordCount;
}

/** Pass two of the words view: folds each word and joins them with one space into `output`. */
function joinWords(into: WordBuffers, wordCount: number, isLatinMessage: boolean): number {
  const { lower, starts, ends, output } = into;
  let written = 0;
  let word = 0;
  while (word < wordCount) {
    const start = starts[word] ?? 0;
    const end = ends[word] ?? 0;
    if (end - start !== 1) {
      if (written > 0) output[written++] = 0x20;
      written = writeWord(lower, start, end, tableForWord(word, into, isLatinMessage), output, written);
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
      const table = tableForWord(at, into, isLatinMessage);
      written = writeWord(lower, letterStart, letterStart + 1, table, output, written);
    }
    word = blockEnd;
  }
  return written;
}

/** NFKC of visible text; text that passes the quick check is its own NFKC form and skips the call. */
export function toNormalizationForm(visible: string): string {
  return isQuickNfkc(visible) ? visible : visible.normalize('NFKC');
}

/**
 * Builds the views patterns run on from NFKC text. Symbols: lower case, Cyrillic and Greek
 * look-alikes folded to Latin. Words: runs of letters, digits and other non-separator characters
 * (a leet symbol only before a letter), lower case; each word with mixed scripts, digits or symbols
 * is folded to Latin or to Cyrillic (look-alikes, leetspeak); five or more single letters a few
 * separators apart are joined ("i g n o r e" → "ignore"); words are joined by one space. Two linear
 * passes over typed arrays.
 */
export function buildViewsFromNormalized(normalized: string): MatchingViews {
  // One pass lower-cases, splits words and builds the symbols view; text the table cannot
  // lower-case alone goes through toLowerCase first.
  let wordCount = splitWords(normalized, buffersFor(normalized.length), true);
  let symbols: string;
  if (wordCount < 0) {
    const lower = normalized.toLowerCase();
    wordCount = splitWords(lower, buffersFor(lower.length), false);
    symbols = foldToLatin(lower);
  } else {
    symbols = lastSymbolsChanged ? fromCodeUnits(buffers.symbols, normalized.length) : normalized;
  }
  const written = joinWords(buffers, wordCount, lastBalance >= 0);
  return { symbols, words: fromCodeUnits(buffers.output, written) };
}

/**
 * Builds the views patterns run on from visible text: NFKC, lower case, look-alike folding,
 * leetspeak, spaced-letter collapsing. Linear in the length of `visible`.
 */
export function buildMatchingViews(visible: string): MatchingViews {
  return buildViewsFromNormalized(toNormalizationForm(visible));
}
