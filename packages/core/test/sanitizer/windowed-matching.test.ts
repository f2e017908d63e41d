import { builtInPatterns } from '@botkeel/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { measureExpression } from '../../src/sanitizer/expression-bounds.js';
import { buildMatchingViews, type MatchingViews } from '../../src/sanitizer/matching-views.js';
import { PatternSet } from '../../src/sanitizer/pattern-set.js';
import evaluationSet from './eval-set.json' with { type: 'json' };
import { patternExamples } from './pattern-examples.js';
import { direct, expectSameAsWholeText, viaWindows } from './whole-text-matching.js';

describe('measureExpression', () => {
  it.each([
    [/abc/, 3, 0],
    [/\bignore(?: all)? rules/, 16, 1],
    [/a{2,5}b?/, 6, 0],
    [/(?:ab|cde){1,3}/, 9, 0],
    [/[a-z\]]{0,4}x/, 5, 0],
    [/(?<=xy)z(?!q{2})/, 1, 3],
    [/^a$/, 1, 1],
    [/\u0041\x41\n/, 3, 0],
    [/(?<name>ab)c/, 3, 0],
    [/a{3}/, 3, 0],
    [/a{/, 2, 0],
    [/a/u, 2, 0],
  ])('%s is at most %d long and reads %d around', (expression, maxLength, context) => {
    expect(measureExpression(expression)).toEqual({ maxLength, context });
  });

  it.each([/a*/, /a+b/, /a{2,}/, /(a)\1/, /(?<x>a)\k<x>/, new RegExp('[a]', 'v'), new RegExp('(?=a)(?:b)*')])(
    '%s is unbounded',
    (expression) => {
      expect(measureExpression(expression).maxLength).toBe(Number.POSITIVE_INFINITY);
    },
  );

  it('bounds every built-in pattern', () => {
    for (const pattern of builtInPatterns) {
      expect(Number.isFinite(measureExpression(pattern.pattern).maxLength), pattern.id).toBe(true);
    }
  });
});

/** Pieces of the views: example texts, anchors, filler words and punctuation. */
const pieces = [
  ...Object.values(patternExamples).flatMap((example) => {
    const views = buildMatchingViews(example);
    return [views.words, views.symbols];
  }),
  ...builtInPatterns.flatMap((pattern) => pattern.anchors ?? []),
  ' ',
  ' ',
  '\n',
  'the',
  'my order',
  'please',
  'size m',
  'замовлення',
  'заказ',
  ':',
  '<',
  '#',
  '"',
  'x'.repeat(60),
];
const soup = fc
  .array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 30 })
  .map((parts) => parts.join(' '));

describe('window-limited matching', () => {
  it('every match of a built-in pattern is at most its measured length', () => {
    fc.assert(
      fc.property(soup, (text) => {
        for (const pattern of builtInPatterns) {
          const { maxLength } = measureExpression(pattern.pattern);
          const expression = new RegExp(pattern.pattern.source, 'g');
          for (const found of text.matchAll(expression)) {
            expect(found[0].length, pattern.id).toBeLessThanOrEqual(maxLength);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('every match of a built-in pattern contains one of its anchors (what the windows rely on)', () => {
    const texts = [
      ...evaluationSet.map((message) => buildMatchingViews(message.text)),
      ...Object.values(patternExamples).map((example) => buildMatchingViews(example)),
    ];
    const check = (views: MatchingViews): void => {
      for (const pattern of builtInPatterns) {
        const view = pattern.view === 'symbols' ? views.symbols : views.words;
        for (const found of view.matchAll(new RegExp(pattern.pattern.source, 'g'))) {
          const anchors = pattern.anchors ?? [];
          expect(
            anchors.some((anchor) => found[0].includes(anchor)),
            `${pattern.id}: ${found[0]}`,
          ).toBe(true);
          for (const group of pattern.requiredLiterals ?? []) {
            expect(
              group.some((literal) => found[0].includes(literal)),
              `${pattern.id} required ${group.join('|')}: ${found[0]}`,
            ).toBe(true);
          }
        }
      }
    };
    for (const views of texts) check(views);
    fc.assert(
      fc.property(soup, (text) => check({ words: text, symbols: text })),
      { numRuns: 300 },
    );
  });

  it.each(builtInPatterns.map((pattern) => [pattern.id, pattern] as const))(
    'strings generated from %s: every match has an anchor and a literal of each required group, and is at most the measured length',
    (_id, pattern) => {
      // fast-check cannot generate \\b or ^ inside a group: drop the boundaries, keep the rest.
      const body = pattern.pattern.source
        .replaceAll('\\b', '')
        .replaceAll('(?:^| )', ' ')
        .replaceAll('(?:^|\\n)', '\\n')
        .replaceAll('(?: |$)', ' ');
      const { maxLength } = measureExpression(pattern.pattern);
      const expression = new RegExp(pattern.pattern.source, 'g');
      fc.assert(
        fc.property(fc.stringMatching(new RegExp(`^(?:${body})$`)), (generated) => {
          for (const found of ` ${generated} `.matchAll(expression)) {
            expect((pattern.anchors ?? []).some((anchor) => found[0].includes(anchor))).toBe(true);
            for (const group of pattern.requiredLiterals ?? []) {
              expect(group.some((literal) => found[0].includes(literal))).toBe(true);
            }
            expect(found[0].length).toBeLessThanOrEqual(maxLength);
          }
        }),
        { numRuns: 100 },
      );
    },
  );

  it('finds exactly the matches (pattern and matched text) that whole-text matching finds', () => {
    const set = new PatternSet(builtInPatterns);
    fc.assert(
      fc.property(soup, (text) => {
        const views = { words: text, symbols: text };
        expect(viaWindows(set, views).sort()).toEqual(direct(builtInPatterns, views).sort());
      }),
      { numRuns: 400 },
    );
  });

  it('is exact for look-arounds, word boundaries and ^/$ next to window edges', () => {
    expectSameAsWholeText(
      [
        { id: 'behind', pattern: /(?<=x{3} )abc(?! d)/, anchors: ['abc'] },
        { id: 'start', pattern: /^abc/, anchors: ['abc'] },
        { id: 'end', pattern: /abc ?$/, anchors: ['abc'] },
        { id: 'boundary', pattern: /\babc d{0,20}\b/, anchors: ['abc'] },
        { id: 'multiline', pattern: /^ ?abc/m, anchors: ['abc'] },
        { id: 'unbounded', pattern: /abc d+ e/, anchors: ['abc'] },
      ],
      ['abc', 'x', 'xxx', ' ', 'd', 'dd', ' d', '\n', 'e', 'y'.repeat(25)],
      2000,
    );
  });

  it('is exact after hostile repetition, when the scanner drops the anchors seen so far', () => {
    const set = new PatternSet(builtInPatterns);
    const repeated = fc.constantFrom('system ', '::', '<|', 'ignore ', 'правил ', '--- ', '# ');
    fc.assert(
      fc.property(repeated, fc.integer({ min: 200, max: 700 }), soup, soup, (seed, times, before, after) => {
        const text = `${before} ${seed.repeat(times)} ${after}`;
        const views = { words: text, symbols: text };
        expect(viaWindows(set, views).sort()).toEqual(direct(builtInPatterns, views).sort());
      }),
      { numRuns: 60 },
    );
  });

  it('is exact for patterns with groups of required literals, whatever their order and distance', () => {
    expectSameAsWholeText(
      [
        {
          id: 'verb-target',
          pattern: /\b(?:ignore|drop)(?: [a-z]{1,6}){0,3} (?:rules|prompt)\b|\brules are void/,
          anchors: ['ignore', 'drop', 'void'],
          requiredLiterals: [['rules', 'prompt']],
        },
        {
          id: 'two-groups',
          pattern: /(?:abc|xyz)[a-z ]{0,12}(?:def|uvw)[a-z ]{0,12}ghi/,
          anchors: ['abc', 'xyz'],
          requiredLiterals: [['def', 'uvw'], ['ghi']],
        },
      ],
      [
        'ignore',
        'drop',
        'rules',
        'prompt',
        'void',
        ' are ',
        ' ',
        'x',
        'abc',
        'xyz',
        'def',
        'uvw',
        'ghi',
        'yyyyyyy',
      ],
      3000,
    );
  });

  it('is exact when anchors of different lengths overlap (a short anchor inside a long one)', () => {
    expectSameAsWholeText(
      [
        { id: 'inside', pattern: /[a-z]{0,16}cd/, anchors: ['abcdefghij', 'cd'] },
        { id: 'around', pattern: /(?:x{0,12}abcdefghij|cd[a-z ]{0,12})/, anchors: ['abcdefghij', 'cd'] },
        { id: 'no anchors', pattern: /q{2,4}/, anchors: [] },
      ],
      ['abcdefghij', 'cd', 'y', 'yyyy', 'x', 'xxxx', ' ', 'qq', 'ab'],
      2000,
    );
  });
});
