/**
 * A quick check that text is already in NFKC, so most messages skip `String.prototype.normalize`.
 * A code unit is safe when it is its own NFKC form and can never combine with its neighbours: the
 * check covers ASCII, Latin-1 and Latin Extended, Greek, Cyrillic (without its combining marks),
 * general punctuation and currency signs, and says no to everything else (combining marks,
 * surrogates, CJK, Hangul, …), which then goes through `normalize`. Text made only of safe units is
 * its own NFKC form (every unit is a starter that is NFKC-stable alone and none of them is the second
 * half of a canonical composition), so the answer is exact.
 */

/** 1 where a code unit is NFKC-stable and never composes with a neighbour. */
export const nfkcSafeUnits = new Uint8Array(0x10000);

const safeRanges: readonly (readonly [number, number])[] = [
  [0x0000, 0x02ff],
  [0x0370, 0x03ff],
  [0x0400, 0x0482],
  [0x048a, 0x052f],
  [0x2000, 0x206f],
  [0x20a0, 0x20cf],
];

for (const [first, last] of safeRanges) {
  for (let code = first; code <= last; code += 1) {
    const text = String.fromCharCode(code);
    if (text.normalize('NFKC') === text && !/\p{M}/u.test(text)) nfkcSafeUnits[code] = 1;
  }
}

/** True when `text` is made only of units that are their own NFKC form whatever surrounds them. */
export function isQuickNfkc(text: string): boolean {
  const safe = nfkcSafeUnits;
  for (let index = 0; index < text.length; index += 1) {
    if (safe[text.charCodeAt(index)] !== 1) return false;
  }
  return true;
}
