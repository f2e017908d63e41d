/**
 * `text.normalize('NFKC')`, normalizing only the stretch that needs it. NFKC of a string is the
 * concatenation of NFKC of its parts when every split point lies between two safe code points (see
 * `nfkc-quick-check.ts`): the one after the split is a starter that neither reorders, decomposes nor
 * composes with what precedes it. So a message with one '№' or '…' normalizes a few characters
 * around it instead of the whole text.
 *
 * One stretch, from just before the first code point that is not safe to just after the last:
 * `normalize` runs through safe text at about twice the cost of a JavaScript pass over it, so a split
 * at every safe gap costs more than it saves (on the bench's messages with '№': 3.2 us per message
 * against 2.3 us for `normalize` of the whole 1 KB; one stretch: 1.8 us, and the visible-text scan
 * tells which 256-unit blocks to search, so the search reads at most two blocks' worth).
 */
import { codeUnitsOf } from './code-units.js';
import { isSafeSurrogatePair, nfkcSafeUnits } from './nfkc-quick-check.js';

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** Where the first code point at or after `from` that is not safe starts, or `length`. */
function firstUnsafe(codes: Uint16Array, from: number, length: number): number {
  const safe = nfkcSafeUnits;
  let index = from;
  while (index < length) {
    const code = codes[index] ?? 0;
    if (safe[code] === 1) {
      index += 1;
      continue;
    }
    const next = index + 1 < length ? (codes[index + 1] ?? 0) : 0;
    if (!isHighSurrogate(code) || !isLowSurrogate(next) || !isSafeSurrogatePair(code, next)) return index;
    index += 2;
  }
  return length;
}

/** Where the last code point before `to` that is not safe ends (one exists: `firstUnsafe` found it). */
function lastUnsafeEnd(codes: Uint16Array, to: number): number {
  const safe = nfkcSafeUnits;
  let end = to;
  while (end > 0) {
    const code = codes[end - 1] ?? 0;
    if (safe[code] === 1) {
      end -= 1;
      continue;
    }
    const previous = end >= 2 ? (codes[end - 2] ?? 0) : 0;
    if (!isLowSurrogate(code) || !isHighSurrogate(previous) || !isSafeSurrogatePair(previous, code)) {
      return end;
    }
    end -= 2;
  }
  return end;
}

/**
 * The same string as `text.normalize('NFKC')`; `text` itself when every code point is safe. When the
 * caller knows that every code point outside `[from, to)` is safe, only that range is searched.
 */
export function toNfkc(text: string, from = 0, to = text.length): string {
  const length = text.length;
  const codes = codeUnitsOf(text);
  // Bounds that split a surrogate pair are moved to its edges.
  const searchFrom = from > 0 && from < length && isLowSurrogate(codes[from] ?? 0) ? from - 1 : from;
  const searchTo = to < length && isLowSurrogate(codes[to] ?? 0) ? to + 1 : to;
  const first = firstUnsafe(codes, searchFrom, searchTo);
  if (first === searchTo) return text;
  // Split before the safe code point that precedes the first unsafe one (its predecessor is safe too),
  // and after the safe code point that follows the last unsafe one (its successor is safe too).
  let start = first;
  if (first > 0) start = first >= 2 && isLowSurrogate(codes[first - 1] ?? 0) ? first - 2 : first - 1;
  let end = lastUnsafeEnd(codes, searchTo);
  if (end < length) end += isHighSurrogate(codes[end] ?? 0) ? 2 : 1;
  if (start === 0 && end === length) return text.normalize('NFKC');
  return text.slice(0, start) + text.slice(start, end).normalize('NFKC') + text.slice(end);
}
