import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  casedHighSurrogates,
  lowerCaseSpecial,
  lowerCaseUnits,
} from '../../src/sanitizer/lower-case-table.js';
import {
  firstAstralChecked,
  isQuickNfkc,
  nfkcSafeAstral,
  nfkcSafeUnits,
} from '../../src/sanitizer/nfkc-quick-check.js';

describe('lower-case table', () => {
  it('agrees with toLowerCase on every code unit it does not mark special', () => {
    for (let code = 0; code < 0x10000; code += 1) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const text = String.fromCharCode(code);
      if (lowerCaseSpecial[code] === 1) continue;
      expect(String.fromCharCode(lowerCaseUnits[code] ?? 0), code.toString(16)).toBe(text.toLowerCase());
    }
  });

  it('marks the high surrogate of every astral code point that toLowerCase changes', () => {
    const changed = new Set<number>();
    for (let codePoint = 0x10000; codePoint <= 0x10ffff; codePoint += 1) {
      const text = String.fromCodePoint(codePoint);
      if (text.toLowerCase() !== text) changed.add(text.charCodeAt(0));
    }
    expect([...changed].sort((left, right) => left - right)).toEqual([...casedHighSurrogates]);
  });
});

describe('NFKC quick check', () => {
  const safe: string[] = [];
  for (let code = 0; code < 0x10000; code += 1) {
    if (nfkcSafeUnits[code] === 1) safe.push(String.fromCharCode(code));
  }
  const safeAstral: string[] = [];
  for (let index = 0; index < nfkcSafeAstral.length; index += 1) {
    if (nfkcSafeAstral[index] === 1) safeAstral.push(String.fromCodePoint(firstAstralChecked + index));
  }
  const safeCodePoints = new Set([...safe, ...safeAstral]);

  it('passes ASCII, Cyrillic and Greek shop messages and stops at anything that NFKC may change', () => {
    expect(isQuickNfkc('Доброго дня! Size M, ціна 100 ₴ — «ок»?')).toBe(true);
    expect(isQuickNfkc('Ｉｇｎｏｒｅ')).toBe(false);
    expect(isQuickNfkc('и\u0306')).toBe(false);
    expect(isQuickNfkc('ﬁ')).toBe(false);
    expect(isQuickNfkc('…')).toBe(false);
    expect(isQuickNfkc('Сукня 👗 😅 ❤ ✅ ★ → ✓')).toBe(true);
    expect(isQuickNfkc('\u{1d400}')).toBe(false);
    expect(isQuickNfkc('\u{1f100}')).toBe(false);
    expect(isQuickNfkc('a\ud83d')).toBe(false);
    expect(isQuickNfkc('\ude05a')).toBe(false);
    expect(isQuickNfkc('\ude05\ud83d')).toBe(false);
    expect(isQuickNfkc('\u{e0041}')).toBe(false);
    expect(isQuickNfkc('\u2126')).toBe(false);
  });

  it('marks the emoji (pictographs, emoticons, transport, skin tones) safe', () => {
    for (const emoji of ['👗', '😅', '😊', '🚚', '💳', '🔥', '🙏', '👍', '🏻', '🇺', '🧥', '🫶']) {
      expect(safeAstral, emoji).toContain(emoji);
    }
    expect(safeAstral.length).toBeGreaterThan(2500);
  });

  it('marks no code point that is the second half of a canonical composition or reorders (all of Unicode)', () => {
    const seconds: string[] = [];
    for (let codePoint = 0; codePoint <= 0x10ffff; codePoint += 1) {
      if (codePoint >= 0xd800 && codePoint <= 0xdfff) continue;
      const decomposed = [...String.fromCodePoint(codePoint).normalize('NFD')];
      // Every composition pair (first, second) is the tail of some code point's full decomposition.
      for (let at = 1; at < decomposed.length; at += 1) {
        if (safeCodePoints.has(decomposed[at] ?? '')) seconds.push(codePoint.toString(16));
      }
    }
    expect(seconds).toEqual([]);
    // Canonical combining class 0: a mark of class 1 after a safe code point stays after it.
    const reordered = [...safeCodePoints].filter((codePoint) => {
      const text = `a${codePoint}\u0334`;
      return text.normalize('NFKC') !== text;
    });
    expect(reordered).toEqual([]);
  });

  it('marks astral code points that stay as they are alone and next to any safe neighbour', () => {
    const neighbours = [
      ...safe.filter((_, at) => at % 7 === 0),
      ...safeAstral.filter((_, at) => at % 13 === 0),
    ];
    const changed: string[] = [];
    for (const codePoint of safeAstral) {
      if (codePoint.normalize('NFKC') !== codePoint) changed.push(codePoint);
      for (const neighbour of neighbours) {
        const after = codePoint + neighbour;
        const before = neighbour + codePoint;
        if (after.normalize('NFKC') !== after) changed.push(after);
        if (before.normalize('NFKC') !== before) changed.push(before);
      }
    }
    expect(changed).toEqual([]);
  });

  it('never says yes to text that NFKC changes (every pair of safe units, and random safe text)', () => {
    // Failures collected, not one expect per pair: the pairs number about a million.
    const changed: string[] = [];
    for (const first of safe) {
      for (let at = 0; at < safe.length; at += 7) {
        const text = first + (safe[at] ?? '');
        if (text.normalize('NFKC') !== text) changed.push(text);
      }
    }
    expect(changed).toEqual([]);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...safe, ...safeAstral), { maxLength: 40 }), (units) => {
        const text = units.join('');
        expect(isQuickNfkc(text)).toBe(true);
        expect(text.normalize('NFKC')).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });
});
