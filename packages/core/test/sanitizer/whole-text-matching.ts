import { type SanitizerPattern } from '@botkeel/core';
import fc from 'fast-check';
import { expect } from 'vitest';
import { type MatchingViews } from '../../src/sanitizer/matching-views.js';
import { PatternSet } from '../../src/sanitizer/pattern-set.js';

/** Each pattern's first match on its whole view, as `id matched`: what the set must find. */
export function direct(patterns: readonly SanitizerPattern[], views: MatchingViews): string[] {
  return patterns.flatMap((pattern) => {
    const view = pattern.view === 'symbols' ? views.symbols : views.words;
    const found = new RegExp(pattern.pattern.source, pattern.pattern.flags.replace(/[gy]/g, '')).exec(view);
    return found === null ? [] : [`${pattern.id} ${found[0]}`];
  });
}

/** What the set finds (around anchor hits), in the same form. */
export function viaWindows(set: PatternSet, views: MatchingViews): string[] {
  return set.match(views).map((match) => `${match.pattern.definition.id} ${match.matched}`);
}

/** Test patterns: an id, an expression and its anchors (and required literals). */
export type TestPattern = Pick<SanitizerPattern, 'id' | 'pattern' | 'anchors' | 'requiredLiterals'>;

/**
 * Property: on texts glued from `pieces`, the set built from `patterns` finds exactly the matches
 * (pattern and matched text) of whole-text matching.
 */
export function expectSameAsWholeText(
  patterns: readonly TestPattern[],
  pieces: readonly string[],
  numRuns: number,
): void {
  const full: SanitizerPattern[] = patterns.map((pattern) => ({
    ...pattern,
    technique: 'tool-abuse',
    language: 'any',
    weight: 0.5,
  }));
  const set = new PatternSet(full);
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 40 }), (parts) => {
      const text = parts.join('');
      const views = { words: text, symbols: text };
      expect(viaWindows(set, views).sort()).toEqual(direct(full, views).sort());
    }),
    { numRuns },
  );
}
