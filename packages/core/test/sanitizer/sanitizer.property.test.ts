import { createSanitizer, hasIntactRoleTag, type SanitizerPolicy } from '@botkeel/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** Any UTF-16 code unit, lone surrogates included. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code));
const anyString = fc.string({ unit: anyCodeUnit, maxLength: 300 });

/** Strings assembled from pieces of role tags, delimiters and look-alikes, to hit the hard cases. */
const tagPieces = [
  '<',
  '>',
  '|',
  '<|',
  '|>',
  'im_start',
  'im_end',
  '[',
  ']',
  '[INST]',
  '[/INST]',
  '<<SYS>>',
  '###',
  '#',
  'system',
  'SYSTEM',
  'ѕуѕтеm',
  'assistant',
  'user',
  ':',
  '"role"',
  '"',
  "'",
  'role',
  '```',
  '---',
  '===',
  '\n',
  ' ',
  '\u200b',
  'Ｓｙｓｔｅｍ',
  '＜｜',
  '｜＞',
  'ignore',
  'інструкції',
  'системні',
  '<system>',
  '</system>',
];
const tagSoup = fc.array(fc.constantFrom(...tagPieces), { maxLength: 40 }).map((pieces) => pieces.join(''));
const policies: SanitizerPolicy[] = ['flag', 'neutralize', 'block'];

describe('sanitizer properties', () => {
  it.each(policies)('never throws and never returns more than maxLength (%s)', (policy) => {
    fc.assert(
      fc.property(
        fc.oneof(anyString, tagSoup, fc.string({ unit: 'binary' })),
        fc.integer({ min: 1, max: 200 }),
        (text, maxLength) => {
          const result = createSanitizer({ policy, maxLength }).sanitize(text);
          expect(result.text.length).toBeLessThanOrEqual(maxLength);
          expect(result.score).toBeGreaterThanOrEqual(0);
          expect(result.score).toBeLessThanOrEqual(1);
          expect(['clean', 'suspicious', 'injection']).toContain(result.verdict);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('neutralized text contains no intact role tag', () => {
    const sanitizer = createSanitizer({ policy: 'neutralize', maxLength: 10_000 });
    fc.assert(
      fc.property(fc.oneof(tagSoup, anyString), (text) => {
        expect(hasIntactRoleTag(sanitizer.sanitize(text).text)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('flagged text is the input minus invisible characters (never rewrites the words)', () => {
    const sanitizer = createSanitizer({ maxLength: 10_000 });
    const visibleUnit = fc.constantFrom(
      'a',
      'b',
      ' ',
      'x',
      'І',
      'г',
      'ѕ',
      '<',
      '|',
      '>',
      '#',
      ':',
      '"',
      '\n',
      '👗',
      'Ｓ',
    );
    const invisibleUnit = fc.constantFrom(
      '\u200b',
      '\u200d',
      '\u202e',
      '\u2066',
      '\u0007',
      '\ufeff',
      '\u{e0041}',
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(visibleUnit, fc.option(invisibleUnit)), { maxLength: 60 }), (pairs) => {
        const input = pairs.map(([visible, invisible]) => visible + (invisible ?? '')).join('');
        const expected = pairs.map(([visible]) => visible).join('');
        expect(sanitizer.sanitize(input).text).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });
});
