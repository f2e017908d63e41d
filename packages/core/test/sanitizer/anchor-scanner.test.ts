import { builtInPatterns } from '@botkeel/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AnchorScanner } from '../../src/sanitizer/anchor-scanner.js';
import { buildViewsFromNormalized } from '../../src/sanitizer/matching-views.js';

const escapeExpression = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

/** The reference: one alternation of the anchors, longest first, searched from `from`. */
function referenceNext(anchors: readonly string[], text: string, from: number): string | undefined {
  const sorted = [...anchors].sort((left, right) => right.length - left.length);
  const expression = new RegExp(sorted.map(escapeExpression).join('|'), 'g');
  expression.lastIndex = from;
  const found = expression.exec(text);
  return found === null ? undefined : `${found.index} ${found[0]}`;
}

function allHits(scanner: AnchorScanner, text: string): string[] {
  const hits: string[] = [];
  let found = scanner.next(text, 0);
  while (found !== undefined) {
    hits.push(`${found.start} ${found.anchor}`);
    found = scanner.next(text, found.start + 1);
  }
  return hits;
}

function referenceHits(anchors: readonly string[], text: string): string[] {
  const hits: string[] = [];
  let found = referenceNext(anchors, text, 0);
  while (found !== undefined) {
    hits.push(found);
    found = referenceNext(anchors, text, Number(found.split(' ')[0]) + 1);
  }
  return hits;
}

describe('AnchorScanner', () => {
  it('finds the same hits as a longest-first alternation, from any index', () => {
    const alphabet = ['a', 'b', 'c', 'ab', 'abc', 'bca', 'я', 'яб', ' ', '-', '--', '---'];
    const anchorsArbitrary = fc.uniqueArray(
      fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 3 }).map((parts) => parts.join('')),
      { minLength: 1, maxLength: 8 },
    );
    const textArbitrary = fc
      .array(fc.constantFrom(...alphabet), { maxLength: 30 })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(anchorsArbitrary, textArbitrary, fc.nat({ max: 40 }), (anchors, text, from) => {
        const scanner = new AnchorScanner(anchors);
        const found = scanner.next(text, from);
        expect(found === undefined ? undefined : `${found.start} ${found.anchor}`).toBe(
          referenceNext(anchors, text, from),
        );
        expect(allHits(scanner, text)).toEqual(referenceHits(anchors, text));
      }),
      { numRuns: 3000 },
    );
  });

  it('finds the same hits for the built-in anchors on text made of them', () => {
    const anchors = [...new Set(builtInPatterns.flatMap((pattern) => pattern.anchors ?? []))];
    const scanner = new AnchorScanner(anchors);
    const pieces = [...anchors, ' ', 'x', 'я', ':', '-'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 25 }), (parts) => {
        const text = parts.join('');
        expect(allHits(scanner, text)).toEqual(referenceHits(anchors, text));
      }),
      { numRuns: 300 },
    );
  });

  it('answers the same with the automaton (any batch size) as with the hashed search alone', () => {
    const alphabet = ['a', 'b', 'c', 'ab', 'abc', 'bca', 'я', 'яб', ' ', '-', '--', '---'];
    const anchorsArbitrary = fc.uniqueArray(
      fc.array(fc.constantFrom(...alphabet), { minLength: 1, maxLength: 4 }).map((parts) => parts.join('')),
      { minLength: 1, maxLength: 10 },
    );
    const textArbitrary = fc
      .array(fc.constantFrom(...alphabet), { maxLength: 40 })
      .map((parts) => parts.join(''));
    // Each call: where to search from, and whether to skip some anchors (the hashed path).
    const callsArbitrary = fc.array(fc.tuple(fc.nat({ max: 60 }), fc.boolean()), { maxLength: 12 });
    fc.assert(
      fc.property(
        anchorsArbitrary,
        textArbitrary,
        callsArbitrary,
        fc.integer({ min: 1, max: 8 }),
        (anchors, text, calls, batchOccurrences) => {
          const automaton = new AnchorScanner(anchors, { batchOccurrences });
          const hashed = new AnchorScanner(anchors, { useAutomaton: false });
          const skipped = Uint8Array.from(anchors, (_, id) => id % 2);
          const answers = (scanner: AnchorScanner): string[] => {
            const found: string[] = [];
            for (const [from, isSkipping] of calls) {
              const start = scanner.find(text, from, isSkipping ? skipped : undefined);
              found.push(`${start} ${start < 0 ? '' : scanner.foundId}`);
            }
            // Then every hit in order, as the pattern set asks for them.
            let start = scanner.find(text, 0);
            while (start >= 0) {
              found.push(`${start} ${scanner.foundId}`);
              start = scanner.find(text, start + 1);
            }
            return found;
          };
          expect(answers(automaton)).toEqual(answers(hashed));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('answers the same with small automaton batches on the built-in anchors', () => {
    const anchors = [...new Set(builtInPatterns.flatMap((pattern) => pattern.anchors ?? []))];
    const hashed = new AnchorScanner(anchors, { useAutomaton: false });
    const batched = new AnchorScanner(anchors, { batchOccurrences: 3 });
    const pieces = [...anchors, ' ', 'x', 'я', ':', '-'];
    const hitsOf = (scanner: AnchorScanner, text: string): string[] => {
      const hits: string[] = [];
      let start = scanner.find(text, 0);
      while (start >= 0) {
        hits.push(`${start} ${scanner.foundId}`);
        start = scanner.find(text, start + 1);
      }
      return hits;
    };
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        expect(hitsOf(batched, text)).toEqual(hitsOf(hashed, text));
      }),
      { numRuns: 500 },
    );
  });

  it('adopts from the views pass exactly the hits its own scan of the symbols view finds', () => {
    const anchors = [
      ...new Set(
        builtInPatterns
          .filter((pattern) => pattern.view === 'symbols')
          .flatMap((pattern) => pattern.anchors ?? []),
      ),
    ];
    const adopting = new AnchorScanner(anchors);
    const ends = adopting.endsRecorder();
    const hashed = new AnchorScanner(anchors, { useAutomaton: false });
    if (ends === undefined) throw new Error('the symbols anchors have an automaton');
    const hitsOf = (scanner: AnchorScanner, text: string): string[] => {
      const hits: string[] = [];
      let start = scanner.find(text, 0);
      while (start >= 0) {
        hits.push(`${start} ${scanner.foundId}`);
        start = scanner.find(text, start + 1);
      }
      return hits;
    };
    // Anchors as typed (upper case, look-alikes, full width), İ/Σ (the pass starts over lower-cased),
    // and long repetition (more anchor ends than one pass records).
    const pieces = [...anchors, 'SYSTEM', 'ѕуѕтеm', 'Ｓystem', 'İ', 'Σ', ' ', 'x', 'я', ':', '-', '\n'];
    const partsArbitrary = fc.array(
      fc.oneof(
        fc.constantFrom(...pieces),
        fc
          .tuple(fc.constantFrom(':', '---', '<|', 'role'), fc.integer({ min: 500, max: 5000 }))
          .map(([piece, times]) => piece.repeat(times)),
      ),
      { maxLength: 30 },
    );
    fc.assert(
      fc.property(partsArbitrary, (parts) => {
        const views = buildViewsFromNormalized(parts.join(''), ends);
        adopting.adopt(views.symbols, ends);
        expect(hitsOf(adopting, views.symbols)).toEqual(hitsOf(hashed, views.symbols));
      }),
      { numRuns: 400 },
    );
  });
});
