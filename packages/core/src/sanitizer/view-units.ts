import { toLatinLetter } from './confusables.js';
import { lowerCaseSpecial, lowerCaseUnits } from './lower-case-table.js';

/**
 * Everything the matching-views pass needs to know about one UTF-16 code unit, packed in one 32-bit
 * table entry so the pass makes one look-up per unit: the unit the words view writes for it (bits
 * 0–15: its lower case, or a space for a separator), what kind of word character that lower case is
 * (flags below), and two signed 2-bit counters: the word's script delta (bits 30–31: +1 for a Latin
 * letter, −1 for Cyrillic) and the message's script balance (bits 28–29: +1 for a–z, −1 for Cyrillic).
 */

/**
 * A word character: a letter, digit or other non-separator (never a leet symbol or a special unit).
 * Bit 16, so `(entry >>> 16) & 1` is 1 for a word character and 0 for anything else.
 */
export const unitWord = 1 << 16;
/** `@ $ ! |`: a word character only before a letter. */
export const unitLeet = 1 << 17;
/** Lower case of the whole string differs from the table (see `lowerCaseSpecial`). */
export const unitSpecial = 1 << 18;
/** A letter (Latin, Cyrillic or Greek): what a leet symbol needs after it to join a word. */
export const unitLetter = 1 << 19;
export const unitLatin = 1 << 20;
export const unitCyrillic = 1 << 21;
export const unitGreek = 1 << 22;
export const unitDigitOrLeet = 1 << 23;
/** A Cyrillic letter with no Latin look-alike: a word holding one cannot be folded to Latin whole. */
export const unitUnfoldableCyrillic = 1 << 24;
/** A word character other than a–z and Cyrillic: its word's script counts are not just its length. */
export const unitNotAzOrCyrillic = 1 << 25;

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

/** The packed entry of a separator: a space in the words view, no flags. */
export const separatorEntry = 0x20;

/** The packed entry for a unit whose lower case is `lower`. */
function entryFor(lower: number, isSpecial: boolean): number {
  const kind = kindOf(lower);
  let entry = kind === kindSeparator ? 0x20 : lower;
  if (isSpecial) entry |= unitSpecial;
  else if (kind === kindLeetSymbol) entry |= unitLeet;
  else if (kind !== kindSeparator) entry |= unitWord;
  if (kind === kindLatin || kind === kindCyrillic || kind === kindGreek) entry |= unitLetter;
  if (kind === kindLatin) entry |= unitLatin | (1 << 30);
  if (kind === kindCyrillic) {
    entry |= unitCyrillic | (3 << 30) | (3 << 28);
    if ((toLatinLetter[lower] ?? 0) === 0) entry |= unitUnfoldableCyrillic;
  }
  if (kind === kindGreek) entry |= unitGreek;
  if (kind === kindDigit || kind === kindLeetSymbol) entry |= unitDigitOrLeet;
  if (lower >= 0x61 && lower <= 0x7a) entry |= 1 << 28;
  else if (kind !== kindSeparator && kind !== kindCyrillic) entry |= unitNotAzOrCyrillic;
  return entry | 0;
}

/**
 * Two entries per raw code unit, side by side so one cache line serves both: at `2 × unit` its packed
 * entry, lower-cased by table; at `2 × unit + 1` its symbols-view unit (lower case, Cyrillic/Greek
 * look-alikes folded to Latin).
 */
export const lowerCasingUnits = new Int32Array(0x20000);
/**
 * The same for text that is lower case already: at `2 × unit` the unit's packed entry, kept as it is;
 * at `2 × unit + 1` the unit with Cyrillic/Greek look-alikes folded to Latin.
 */
export const keptUnits = new Int32Array(0x20000);

for (let code = 0; code < 0x10000; code += 1) {
  const lower = lowerCaseUnits[code] ?? code;
  lowerCasingUnits[2 * code] = entryFor(lower, lowerCaseSpecial[code] === 1);
  const foldedLower = lower < 0x500 ? (toLatinLetter[lower] ?? 0) : 0;
  lowerCasingUnits[2 * code + 1] = foldedLower === 0 ? lower : foldedLower;
  keptUnits[2 * code] = entryFor(code, false);
  const folded = code < 0x500 ? (toLatinLetter[code] ?? 0) : 0;
  keptUnits[2 * code + 1] = folded === 0 ? code : folded;
}
