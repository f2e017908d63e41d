/**
 * The previous, character-by-character implementation of the matching views, kept as the oracle the
 * fast builder in `src/sanitizer/matching-views.ts` is compared with (property tests): the same views
 * for any input.
 */
import { toCyrillic, toLatinLetter, toLatinWithLeet } from '../../src/sanitizer/confusables.js';

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

const fromCodes = (codes: number[]): string => {
  let result = '';
  for (let start = 0; start < codes.length; start += 4096) {
    result += String.fromCharCode(...codes.slice(start, start + 4096));
  }
  return result;
};

const foldableToLatin = /[\u0370-\u052f]/;

/** Folds Cyrillic and Greek look-alike letters to Latin, one code unit for one (positions kept). */
export function foldToLatin(text: string): string {
  if (!foldableToLatin.test(text)) return text;
  const codes: number[] = new Array<number>(text.length);
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    const replacement = code < 0x500 ? (toLatinLetter[code] ?? 0) : 0;
    codes[index] = replacement === 0 ? code : replacement;
  }
  return fromCodes(codes);
}

interface Word {
  readonly text: string;
  /** Characters of the separator before this word. */
  readonly gapBefore: number;
}

function foldWord(text: string, start: number, end: number, isLatinMessage: boolean): string {
  let latin = 0;
  let cyrillic = 0;
  let greek = 0;
  let hasDigitOrSymbol = false;
  for (let index = start; index < end; index += 1) {
    const kind = kindOf(text.charCodeAt(index));
    if (kind === kindLatin) latin += 1;
    else if (kind === kindCyrillic) cyrillic += 1;
    else if (kind === kindGreek) greek += 1;
    else if (kind === kindDigit || kind === kindLeetSymbol) hasDigitOrSymbol = true;
  }
  const word = text.slice(start, end);
  if (latin + cyrillic + greek === 0) return word;
  let table: Uint16Array | undefined;
  if (latin > 0 && cyrillic > 0 && Math.abs(latin - cyrillic) <= 1) {
    // Too close to call from the word alone ("yсi"): the script of the message decides.
    table = isLatinMessage ? toLatinWithLeet : toCyrillic;
  } else if (latin >= cyrillic) {
    if (greek > 0 || cyrillic > 0 || hasDigitOrSymbol) table = toLatinWithLeet;
  } else if (latin === 0 && greek === 0) {
    if (isLatinMessage && isFullyFoldable(word)) table = toLatinWithLeet;
    else if (hasDigitOrSymbol) table = toCyrillic;
  } else table = toCyrillic;
  if (table === undefined) return word;
  let folded = '';
  for (let index = 0; index < word.length; index += 1) {
    const code = word.charCodeAt(index);
    const replacement = code < 0x500 ? (table[code] ?? 0) : 0;
    folded += String.fromCharCode(replacement === 0 ? code : replacement);
  }
  return folded;
}

function isFullyFoldable(word: string): boolean {
  for (let index = 0; index < word.length; index += 1) {
    const code = word.charCodeAt(index);
    if (code >= 0x400 && code < 0x530 && (toLatinLetter[code] ?? 0) === 0) return false;
  }
  return true;
}

const minimumSpacedRun = 5;
/** Letters further apart than this are not one spaced-out word. */
const maximumSpacedGap = 3;

function joinWords(words: readonly Word[]): string {
  const parts: string[] = [];
  let index = 0;
  while (index < words.length) {
    const word = words[index] as Word;
    if (word.text.length !== 1) {
      parts.push(word.text);
      index += 1;
      continue;
    }
    // A block of single letters: "i g n o r e   a l l" -> "ignore all" (wide gaps split words).
    let end = index + 1;
    while (
      end < words.length &&
      (words[end] as Word).text.length === 1 &&
      (words[end] as Word).gapBefore <= maximumSpacedGap
    ) {
      end += 1;
    }
    if (end - index < minimumSpacedRun) {
      for (let at = index; at < end; at += 1) parts.push((words[at] as Word).text);
    } else {
      let current = word.text;
      for (let at = index + 1; at < end; at += 1) {
        const letter = words[at] as Word;
        if (letter.gapBefore > 1) {
          parts.push(current);
          current = letter.text;
        } else current += letter.text;
      }
      parts.push(current);
    }
    index = end;
  }
  return parts.join(' ');
}

function isWordCharacter(kind: number, nextKind: number): boolean {
  if (kind === kindSeparator) return false;
  if (kind !== kindLeetSymbol) return true;
  return nextKind === kindLatin || nextKind === kindCyrillic || nextKind === kindGreek;
}

function countLatinAndCyrillic(text: string): { latin: number; cyrillic: number } {
  let latin = 0;
  let cyrillic = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code >= 0x61 && code <= 0x7a) latin += 1;
    else if (code >= 0x400 && code < 0x530) cyrillic += 1;
  }
  return { latin, cyrillic };
}

/** The words view, character by character (folding, leetspeak, spaced letters). */
export function buildWordsCarefully(lower: string): string {
  const counts = countLatinAndCyrillic(lower);
  const isLatinMessage = counts.latin >= counts.cyrillic;
  const words: Word[] = [];
  let index = 0;
  let gapStart = 0;
  const length = lower.length;
  let kind = length > 0 ? kindOf(lower.charCodeAt(0)) : kindSeparator;
  while (index < length) {
    const nextKind = index + 1 < length ? kindOf(lower.charCodeAt(index + 1)) : kindSeparator;
    if (!isWordCharacter(kind, nextKind)) {
      index += 1;
      kind = nextKind;
      continue;
    }
    const start = index;
    let currentKind = kind;
    let followingKind = nextKind;
    while (index < length && isWordCharacter(currentKind, followingKind)) {
      index += 1;
      currentKind = followingKind;
      followingKind = index + 1 < length ? kindOf(lower.charCodeAt(index + 1)) : kindSeparator;
    }
    words.push({ text: foldWord(lower, start, index, isLatinMessage), gapBefore: start - gapStart });
    gapStart = index;
    kind = currentKind;
  }
  return joinWords(words);
}
