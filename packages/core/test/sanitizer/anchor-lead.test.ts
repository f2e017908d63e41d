import { builtInPatterns, type SanitizerPattern } from '@botkeel/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anchorLead, startsAtTextStartOrSpace } from '../../src/sanitizer/anchor-lead.js';
import { expectSameAsWholeText } from './whole-text-matching.js';

describe('anchorLead', () => {
  it.each([
    [/(?:^| )(?:ignore|forget) (?:all )?rules/, ['ignor', 'forget'], 1],
    [/\bignore rules/, ['ignore'], 0],
    [/(?:pro)?ignore/, ['ignore'], 3],
    [/a?b?c?ignore/, ['ignore'], 3],
    [/(?<=x)ignore/, ['ignore'], 0],
    [/(?:ab|abc)ignore/, ['abig', 'abcig'], 0],
  ])('%s with anchors %j: every match has an anchor within %d of its start', (expression, anchors, lead) => {
    expect(anchorLead(expression, anchors, 3)).toBe(lead);
  });

  it.each([
    [/(?:propro)?ignore/, ['ignore']],
    [/[a-z]ignore/, ['ignore']],
    [/x{0,5}ignore/, ['ignore']],
    [/rules (?:ignore|forget)/, ['ignor', 'forget']],
    [/ignore/i, ['ignore']],
    [/(a)\1ignore/, ['ignore']],
    [/ign/, ['ignore']],
  ])('%s with anchors %j: not known within 3', (expression, anchors) => {
    expect(anchorLead(expression, anchors, 3)).toBeUndefined();
  });

  it('finds a lead for built-in patterns whose anchors start them', () => {
    const led = builtInPatterns.filter(
      (pattern) => anchorLead(pattern.pattern, pattern.anchors ?? [], 3) !== undefined,
    );
    expect(led.map((pattern) => pattern.id)).toContain('en.override.ignore-previous');
    expect(led.length).toBeGreaterThanOrEqual(20);
  });

  it.each(
    builtInPatterns
      .map((pattern) => [pattern.id, pattern, anchorLead(pattern.pattern, pattern.anchors ?? [], 3)] as const)
      .filter((entry): entry is readonly [string, SanitizerPattern, number] => entry[2] !== undefined),
  )('strings generated from %s have an anchor within the lead of the match start', (_id, pattern, lead) => {
    // fast-check cannot generate \b or ^ inside a group: drop the boundaries, keep the rest.
    const body = pattern.pattern.source
      .replaceAll('\\b', '')
      .replaceAll('(?:^| )', ' ')
      .replaceAll('(?: |$)', ' ');
    const expression = new RegExp(pattern.pattern.source, 'g');
    fc.assert(
      fc.property(fc.stringMatching(new RegExp(`^(?:${body})$`)), (generated) => {
        for (const found of ` ${generated} `.matchAll(expression)) {
          const anchors = pattern.anchors ?? [];
          const offsets = Array.from({ length: lead + 1 }, (_, offset) => offset);
          expect(
            offsets.some((offset) => anchors.some((anchor) => found[0].startsWith(anchor, offset))),
          ).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  it.each([
    [/(?:^| )ignore/, true],
    [/ ignore/, true],
    [/(?:^| )(?:pro)?(?:ignore|forget)/, true],
    [/\b(?:^| )x/, true],
    [/^ignore/, true],
    [/^ignore/m, false],
    [/\bignore/, false],
    [/(?:^| )?ignore/, false],
    [/(?:^|\n)ignore/, false],
    [/[ ]ignore/, false],
    [/(?:^| |x)ignore/, false],
    [/(?=a)/, false],
  ])('%s starts at the start of the text or with a space: %s', (expression, expected) => {
    expect(startsAtTextStartOrSpace(expression)).toBe(expected);
  });

  it('every match of a built-in pattern said to start at a space does', () => {
    const spaced = builtInPatterns.filter((pattern) => startsAtTextStartOrSpace(pattern.pattern));
    expect(spaced.length).toBeGreaterThanOrEqual(40);
    const pieces = fc.constantFrom(
      ' ',
      'не ',
      'забудь ',
      'правила',
      'про',
      'ігноруй ',
      'інструкції',
      'x',
      'твої ',
    );
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 20 }), (parts) => {
        const text = parts.join('');
        for (const pattern of spaced) {
          for (const found of text.matchAll(new RegExp(pattern.pattern.source, 'g'))) {
            expect(found.index === 0 || text[found.index] === ' ', pattern.id).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('trying a led pattern only before its anchor hits finds what a whole-text search finds', () => {
    expectSameAsWholeText(
      [
        { id: 'led', pattern: /(?:^| )(?:pro)?ignore(?: [a-z]{1,5}){0,2} rules/, anchors: ['ignore'] },
        { id: 'behind', pattern: /(?<![a-z])ab?c/, anchors: ['ac', 'abc'] },
        { id: 'spaced', pattern: /(?:^| )(?:pro)?ignore rules/, anchors: ['ignore'] },
      ],
      ['ignore', 'pro', ' ', 'rules', 'x', 'ab', 'c', 'abc', 'ac', 'proignore'],
      2000,
    );
  });
});
