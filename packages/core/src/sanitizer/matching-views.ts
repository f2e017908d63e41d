import { AnchorAutomaton } from './anchor-automaton.js';
import { AnchorEnds } from './anchor-ends.js';
import { codeUnitsOf, textOfCodeUnits } from './code-units.js';
import { toCyrillic, toLatinWithLeet } from './confusables.js';
import { toNfkc } from './normalize-nfkc.js';
import * as viewUnits from './view-units.js';

/** The normalized forms of one message that patterns run on. */
export interface MatchingViews {
  /** NFKC, lower-cased, Cyrillic/Greek look-alikes folded to Latin; punctuation kept. */
  readonly symbols: string;
  /** Words joined by one space: look-alikes and leetspeak folded, spaced letters collapsed. */
  readonly words: string;
}

const foldableToLatin = /[\u0370-\u052f]/;

/** Reused by every fold and view (the sanitizer is synchronous), grown on demand. */
let symbolUnits = new Uint16Array(4096);
let wordUnits = new Uint16Array(4096);
/** Words whose folding waits for the script of the whole message: start, end, `defer*` (triples). */
let deferredWords = new Int32Array(3 * 1024);

function reserve(textLength: number): void {
  if (symbolUnits.length < textLength) {
    symbolUnits = new Uint16Array(textLength);
    wordUnits = new Uint16Array(textLength);
  }
  // At most one word per two code units (a word character and a separator).
  const maximumWords = (textLength >> 1) + 1;
  if (deferredWords.length < 3 * maximumWords) deferredWords = new Int32Array(3 * maximumWords);
}

// Module-local references: imported bindings can be getters after some transforms, and these are
// read once per code unit.
const {
  keptUnits,
  lowerCasingUnits,
  unitCyrillic,
  unitDigitOrLeet,
  unitGreek,
  unitLatin,
  unitLeet,
  unitLetter,
  unitSpecial,
  unitUnfoldableCyrillic,
  unitNotAzOrCyrillic,
  unitWord,
  separatorEntry,
} = viewUnits;
const latinWithLeet = toLatinWithLeet;
const cyrillicTable = toCyrillic;

/** Folds Cyrillic and Greek look-alike letters to Latin, one code unit for one (positions kept). */
export function foldToLatin(text: string): string {
  if (!foldableToLatin.test(text)) return text;
  reserve(text.length);
  const units = symbolUnits;
  for (let index = 0; index < text.length; index += 1) {
    units[index] = keptUnits[2 * text.charCodeAt(index) + 1] ?? 0;
  }
  return textOfCodeUnits(symbolUnits, text.length);
}

/** Folds `units[start, end)` with a look-alike table (entries below 0x500, 0 = keep). */
function foldRange(units: Uint16Array, start: number, end: number, table: Uint16Array): void {
  for (let index = start; index < end; index += 1) {
    const code = units[index] ?? 0;
    const replacement = code < 0x500 ? (table[code] ?? 0) : 0;
    if (replacement !== 0) units[index] = replacement;
  }
}

const minimumSpacedRun = 5;
/** Letters further apart than this are not one spaced-out word. */
const maximumSpacedGap = 3;

/** Folded to Latin in a mostly-Latin message, else to Cyrillic ("yсi", or a look-alike word with digits). */
const deferLatinOrCyrillic = 1;
/** Folded to Latin in a mostly-Latin message, else kept (a Cyrillic word made only of look-alikes). */
const deferLatinOrKeep = 2;

/** What one pass keeps across words (module state: the sanitizer is synchronous). */
const pass = {
  /** Deferred folds recorded in `deferredWords`. */
  deferredCount: 0,
  /** a–z minus Cyrillic letters of the words `endWord` ended. */
  balance: 0,
  /** Where the last word ended in the text. */
  previousTextEnd: 0,
  /** The run of single-unit words ("i g n o r e") ending at the last word: how many, where it starts. */
  spacedCount: 0,
  spacedStart: 0,
};
/** Text gaps between the first words of that run, and where the join moved them. */
const spacedGaps = new Int32Array(minimumSpacedRun);
const joinedAt = new Int32Array(minimumSpacedRun);

function defer(start: number, end: number, kind: number): void {
  const at = pass.deferredCount * 3;
  deferredWords[at] = start;
  deferredWords[at + 1] = end;
  deferredWords[at + 2] = kind;
  pass.deferredCount += 1;
}

/**
 * Folds the word at `wordUnits[start, end)` as its scripts ask, or defers the choice to the end of
 * the message; `delta` is its Latin letters minus its Cyrillic letters, `flags` its units' flags OR-ed.
 */
function foldWord(start: number, end: number, flags: number, delta: number): void {
  const hasLatin = (flags & unitLatin) !== 0;
  const hasCyrillic = (flags & unitCyrillic) !== 0;
  const hasGreek = (flags & unitGreek) !== 0;
  const hasDigitOrLeet = (flags & unitDigitOrLeet) !== 0;
  if (!hasLatin && !hasCyrillic && !hasGreek) return;
  if (hasLatin && hasCyrillic && delta >= -1 && delta <= 1) {
    // Too close to call from the word alone ("yсi"): the script of the message decides.
    defer(start, end, deferLatinOrCyrillic);
  } else if (delta >= 0) {
    if (hasGreek || hasCyrillic || hasDigitOrLeet) foldRange(wordUnits, start, end, latinWithLeet);
  } else if (!hasLatin && !hasGreek) {
    if ((flags & unitUnfoldableCyrillic) === 0) {
      defer(start, end, hasDigitOrLeet ? deferLatinOrCyrillic : deferLatinOrKeep);
    } else if (hasDigitOrLeet) foldRange(wordUnits, start, end, cyrillicTable);
  } else foldRange(wordUnits, start, end, cyrillicTable);
}

/** Applies the deferred folds once the script of the message is known. */
function foldDeferred(isLatinMessage: boolean): void {
  for (let word = 0; word < pass.deferredCount; word += 1) {
    const at = word * 3;
    const start = deferredWords[at] ?? 0;
    const end = deferredWords[at + 1] ?? 0;
    if (isLatinMessage) foldRange(wordUnits, start, end, latinWithLeet);
    else if (deferredWords[at + 2] === deferLatinOrCyrillic) foldRange(wordUnits, start, end, cyrillicTable);
  }
}

/**
 * Joins the first five single-unit words of a run, written as "a b c d e", into what the words view
 * keeps ("abcde", or "ab cde" where the text had a wider gap); moves their deferred folds along and
 * returns the new end of the words written.
 */
function joinSpacedRun(): number {
  const start = pass.spacedStart;
  let at = start + 1;
  joinedAt[0] = start;
  for (let letter = 1; letter < minimumSpacedRun; letter += 1) {
    if ((spacedGaps[letter] ?? 0) > 1) wordUnits[at++] = 0x20;
    wordUnits[at] = wordUnits[start + 2 * letter] ?? 0;
    joinedAt[letter] = at;
    at += 1;
  }
  // The run's deferred entries are the last ones recorded (the fifth word's is not yet).
  for (let word = pass.deferredCount - 1; word >= 0; word -= 1) {
    const from = deferredWords[word * 3] ?? 0;
    if (from <= start) break;
    const to = joinedAt[(from - start) >> 1] ?? 0;
    deferredWords[word * 3] = to;
    deferredWords[word * 3 + 1] = to + 1;
  }
  return at;
}

/**
 * Ends a word that needs more than a copy (a single unit, or mixed scripts, Greek, digits or leet
 * symbols with letters) at `wordUnits[start, end)`, text `[textStart, textEnd)`: joins it to a run of
 * spaced single units when it is one, then folds it. Returns the new end of the words written.
 */
function endWord(start: number, end: number, textStart: number, textEnd: number, flags: number): number {
  let delta = 0;
  let balance = 0;
  for (let index = start; index < end; index += 1) {
    const info = keptUnits[2 * (wordUnits[index] ?? 0)] ?? 0;
    // The signed 2-bit counters of view-units.ts: word delta in bits 30–31, balance in bits 28–29.
    delta += info >> 30;
    balance += (info << 2) >> 30;
  }
  pass.balance += balance;
  let wordStart = start;
  let wordEnd = end;
  if (end - start === 1) {
    const gap = textStart - pass.previousTextEnd;
    const count = pass.spacedCount;
    if (count > 0 && gap <= maximumSpacedGap) {
      pass.spacedCount = count + 1;
      if (count < minimumSpacedRun) spacedGaps[count] = gap;
      if (count + 1 === minimumSpacedRun) {
        wordEnd = joinSpacedRun();
        wordStart = wordEnd - 1;
      } else if (count >= minimumSpacedRun && gap <= 1) {
        // Joined to the letter before: drop the space written before it.
        wordUnits[start - 1] = wordUnits[start] ?? 0;
        wordStart -= 1;
        wordEnd -= 1;
      }
    } else {
      pass.spacedCount = 1;
      pass.spacedStart = start;
    }
  } else pass.spacedCount = 0;
  pass.previousTextEnd = textEnd;
  foldWord(wordStart, wordEnd, flags, delta);
  return wordEnd;
}

/** a–z minus Cyrillic letters of `wordUnits[start, end)`. */
function balanceOf(start: number, end: number): number {
  let balance = 0;
  for (let index = start; index < end; index += 1) {
    balance += ((keptUnits[2 * (wordUnits[index] ?? 0)] ?? 0) << 2) >> 30;
  }
  return balance;
}

const rareFlags = unitLeet | unitSpecial;
// Flag bit positions, for the branch-free test of a plain word below.
const latinBit = 20;
const cyrillicBit = 21;
const greekBit = 22;
const digitOrLeetBit = 23;

/** Whether the last `splitAndFold` changed any unit of the symbols view. */
let lastSymbolsChanged = false;

/** Steps of no anchors, for a views pass that records none. */
const noAnchorEnds = new AnchorEnds(AnchorAutomaton.empty);

/**
 * One pass over the text: per code unit two side-by-side entries of `units` give the unit the words
 * view writes with its word kind, and its symbols-view unit (see `lowerCasingUnits`). Every unit
 * is written to `wordUnits`, and the end advances past word units and the first separator after a
 * word, so words land one space apart without a branch per unit. A plain word (one script, no Greek,
 * no digits or leet symbols among letters, longer than one unit) is kept as typed, a Cyrillic one
 * made only of look-alikes waiting for the script of the message; other words go through `endWord`.
 * Returns the length written, or -1 at a unit the table cannot lower-case alone.
 */
function splitAndFold(text: string, units: Int32Array, ends: AnchorEnds): number {
  const length = text.length;
  reserve(length + 1);
  const codes = codeUnitsOf(text);
  ends.begin();
  const { table: anchorTable, columnOf: anchorColumns } = ends.automaton;
  let anchorRow = 0;
  const symbols = symbolUnits;
  const words = wordUnits;
  const deferred = deferredWords;
  let symbolsChanged = 0;
  let balance = 0;
  let written = 0;
  let isInWord = 0;
  // Words are written one space apart, so the next word starts right after the last space.
  let wordStart = 0;
  let wordFlags = 0;
  pass.deferredCount = 0;
  pass.balance = 0;
  pass.previousTextEnd = 0;
  pass.spacedCount = 0;
  for (let index = 0; index < length; index += 1) {
    const raw = codes[index] ?? 0;
    let info = units[2 * raw] ?? 0;
    const symbol = units[2 * raw + 1] ?? 0;
    symbols[index] = symbol;
    symbolsChanged |= symbol ^ raw;
    // The symbols view's anchor automaton, stepped here: its table look-ups overlap this pass's work.
    let nextRow = anchorTable[anchorRow + (anchorColumns[symbol] ?? 0)] ?? 0;
    if (nextRow < 0) {
      nextRow = ~nextRow;
      ends.record(nextRow, index);
    }
    anchorRow = nextRow;
    if ((info & rareFlags) !== 0) {
      if ((info & unitSpecial) !== 0) return -1;
      // A leet symbol is a word character only before a letter.
      const isBeforeLetter =
        index + 1 < length && ((units[2 * (codes[index + 1] ?? 0)] ?? 0) & unitLetter) !== 0;
      info = isBeforeLetter ? info | unitWord : separatorEntry;
    }
    const isWord = (info >>> 16) & 1;
    words[written] = info;
    written += isWord | isInWord;
    wordFlags |= info;
    if (isWord < isInWord) {
      // The word before this separator ended; its space is written at `written - 1`.
      const end = written - 1;
      const wordLength = end - wordStart;
      const mixed =
        (wordFlags >> greekBit) |
        ((wordFlags >> digitOrLeetBit) & ((wordFlags >> latinBit) | (wordFlags >> cyrillicBit))) |
        ((wordFlags >> latinBit) & (wordFlags >> cyrillicBit));
      if ((mixed & 1) === 0 && wordLength > 1) {
        pass.spacedCount = 0;
        pass.previousTextEnd = index;
        if ((wordFlags & unitNotAzOrCyrillic) === 0) {
          balance += (wordFlags & unitLatin) !== 0 ? wordLength : -wordLength;
        } else balance += balanceOf(wordStart, end);
        if ((wordFlags & unitCyrillic) !== 0) {
          // Counted only when made of look-alikes (no branch to mispredict on the letters).
          const at = pass.deferredCount * 3;
          deferred[at] = wordStart;
          deferred[at + 1] = end;
          deferred[at + 2] = deferLatinOrKeep;
          pass.deferredCount += (wordFlags & unitUnfoldableCyrillic) === 0 ? 1 : 0;
        }
      } else {
        const spaceAt = endWord(wordStart, end, index - wordLength, index, wordFlags);
        words[spaceAt] = 0x20;
        written = spaceAt + 1;
      }
      wordStart = written;
      wordFlags = 0;
    }
    isInWord = isWord;
  }
  if (isInWord === 1) {
    written = endWord(wordStart, written, length - (written - wordStart), length, wordFlags);
  } else if (written > 0) written -= 1;
  foldDeferred(balance + pass.balance >= 0);
  lastSymbolsChanged = symbolsChanged !== 0;
  return written;
}

/** NFKC of visible text; only the stretch between the first and last code point the quick check cannot pass is normalized. */
export function toNormalizationForm(visible: string): string {
  return toNfkc(visible);
}

/**
 * Builds the views patterns run on from NFKC text. Symbols: lower case, Cyrillic and Greek
 * look-alikes folded to Latin. Words: runs of letters, digits and other non-separator characters
 * (a leet symbol only before a letter), lower case; each word with mixed scripts, digits or symbols
 * is folded to Latin or to Cyrillic (look-alikes, leetspeak); five or more single letters a few
 * separators apart are joined ("i g n o r e" → "ignore"); words are joined by one space. One linear
 * pass over the text (see `splitAndFold`), which also steps the automaton of `symbolAnchorEnds` over
 * the symbols view and records there where its anchors end (the pattern set's symbols scan).
 */
export function buildViewsFromNormalized(
  normalized: string,
  symbolAnchorEnds: AnchorEnds = noAnchorEnds,
): MatchingViews {
  let source = normalized;
  let written = splitAndFold(normalized, lowerCasingUnits, symbolAnchorEnds);
  if (written < 0) {
    // A unit the table cannot lower-case alone (İ, Σ, …): lower-case the whole string first.
    source = normalized.toLowerCase();
    written = splitAndFold(source, keptUnits, symbolAnchorEnds);
  }
  const symbols = lastSymbolsChanged ? textOfCodeUnits(symbolUnits, source.length) : source;
  symbolAnchorEnds.text = symbols;
  return { symbols, words: textOfCodeUnits(wordUnits, written) };
}

/**
 * Builds the views patterns run on from visible text: NFKC, lower case, look-alike folding,
 * leetspeak, spaced-letter collapsing. Linear in the length of `visible`.
 */
export function buildMatchingViews(visible: string): MatchingViews {
  return buildViewsFromNormalized(toNormalizationForm(visible));
}
