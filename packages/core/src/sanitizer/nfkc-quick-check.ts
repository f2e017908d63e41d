/**
 * A quick check that text is already in NFKC, so most messages skip `String.prototype.normalize`.
 * A code point is safe when it is its own NFKC form and can never combine with its neighbours: the
 * check covers ASCII, Latin-1 and Latin Extended, Greek, Cyrillic (without its combining marks),
 * general punctuation, currency signs, common symbols (arrows, technical, dingbats, …) and the emoji
 * planes' pictographs (U+1F000–U+1FFFF), and says no to everything else (combining marks, lone
 * surrogates, CJK, Hangul, …), which then goes through `normalize`. Text made only of safe code points
 * is its own NFKC form (every one is a starter that is NFKC-stable alone and none of them is the
 * second half of a canonical composition), so the answer is exact.
 */

/** 1 where a BMP code unit is NFKC-stable and never composes with a neighbour (surrogates are 0). */
export const nfkcSafeUnits = new Uint8Array(0x10000);

/** The first astral code point {@link nfkcSafeAstral} covers. */
export const firstAstralChecked = 0x1f000;
/** 1 where code point `firstAstralChecked + index` is NFKC-stable and never composes. */
export const nfkcSafeAstral = new Uint8Array(0x1000);

const safeRanges: readonly (readonly [number, number])[] = [
  [0x0000, 0x02ff],
  [0x0370, 0x03ff],
  [0x0400, 0x0482],
  [0x048a, 0x052f],
  [0x2000, 0x206f],
  [0x20a0, 0x20cf],
  // Letterlike symbols and number forms (those NFKC keeps), arrows, mathematical operators,
  // technical symbols, box drawing, geometric shapes, miscellaneous symbols, dingbats (❤ ✅ ★ ☺).
  [0x2100, 0x23ff],
  [0x2500, 0x27bf],
  [0x2b00, 0x2bff],
];

/** NFKC-stable alone and not a mark (every character that can compose after a starter is one). */
function isStableStarter(text: string): boolean {
  return text.normalize('NFKC') === text && !/\p{M}/u.test(text);
}

for (const [first, last] of safeRanges) {
  for (let code = first; code <= last; code += 1) {
    if (isStableStarter(String.fromCharCode(code))) nfkcSafeUnits[code] = 1;
  }
}
for (let index = 0; index < nfkcSafeAstral.length; index += 1) {
  if (isStableStarter(String.fromCodePoint(firstAstralChecked + index))) nfkcSafeAstral[index] = 1;
}

/** True when the code point of a valid surrogate pair is safe. */
export function isSafeSurrogatePair(high: number, low: number): boolean {
  const offset = ((high - 0xd800) << 10) + (low - 0xdc00) + 0x10000 - firstAstralChecked;
  return offset >= 0 && offset < nfkcSafeAstral.length && nfkcSafeAstral[offset] === 1;
}

/** True when `text` is made only of code points that are their own NFKC form whatever surrounds them. */
export function isQuickNfkc(text: string): boolean {
  const safe = nfkcSafeUnits;
  const length = text.length;
  for (let index = 0; index < length; index += 1) {
    const code = text.charCodeAt(index);
    if (safe[code] === 1) continue;
    if (code < 0xd800 || code > 0xdbff || index + 1 >= length) return false;
    const next = text.charCodeAt(index + 1);
    if (next < 0xdc00 || next > 0xdfff || !isSafeSurrogatePair(code, next)) return false;
    index += 1;
  }
  return true;
}
