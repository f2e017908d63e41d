import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  casedHighSurrogates,
  lowerCaseSpecial,
  lowerCaseUnits,
} from '../../src/sanitizer/lower-case-table.js';
import { isQuickNfkc, nfkcSafeUnits } from '../../src/sanitizer/nfkc-quick-check.js';

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

  it('passes ASCII, Cyrillic and Greek shop messages and stops at anything that NFKC may change', () => {
    expect(isQuickNfkc('Доброго дня! Size M, ціна 100 ₴ — «ок»?')).toBe(true);
    expect(isQuickNfkc('Ｉｇｎｏｒｅ')).toBe(false);
    expect(isQuickNfkc('и\u0306')).toBe(false);
    expect(isQuickNfkc('ﬁ')).toBe(false);
    expect(isQuickNfkc('…')).toBe(false);
    expect(isQuickNfkc('👗')).toBe(false);
  });

  it('never says yes to text that NFKC changes (every pair of safe units, and random safe text)', () => {
    for (const first of safe) {
      for (let at = 0; at < safe.length; at += 7) {
        const text = first + (safe[at] ?? '');
        expect(text.normalize('NFKC'), JSON.stringify(text)).toBe(text);
      }
    }
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...safe), { maxLength: 40 }), (units) => {
        const text = units.join('');
        expect(isQuickNfkc(text)).toBe(true);
        expect(text.normalize('NFKC')).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });
});
