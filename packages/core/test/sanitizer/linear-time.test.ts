import { builtInPatterns, createSanitizer, type SanitizerPattern } from '@botkeel/core';
import { describe, expect, it } from 'vitest';
import { buildMatchingViews } from '../../src/sanitizer/matching-views.js';
import { patternExamples } from './pattern-examples.js';

/**
 * Every pattern must run in time linear in its input. For each pattern and each adversarial string we
 * time one run on 100 KB against ten runs on 10 KB (the same number of characters): a linear pattern
 * takes about the same, a quadratic one ten times longer. We compare the two (best of three trials,
 * plus a small floor that absorbs timer noise on tiny runs) and never assert an absolute time.
 */
const smallSize = 10_000;
const largeSize = 100_000;
const trials = 3;
const noiseFloorNs = 300_000n;
const maxRatio = 4;

const fill = (seed: string, size: number): string =>
  seed.repeat(Math.ceil(size / seed.length)).slice(0, size);

function seedsFor(pattern: SanitizerPattern): string[] {
  const example = patternExamples[pattern.id] ?? '';
  const views = buildMatchingViews(example);
  const view = pattern.view === 'symbols' ? views.symbols : views.words;
  const anchors = (pattern.anchors ?? []).slice(0, 3);
  return [
    ...anchors.flatMap((anchor) => [`${anchor} `, anchor, `${anchor}${anchor} x `]),
    `${view.slice(0, Math.max(1, view.length - 2))} `,
    view.slice(0, Math.max(1, view.length - 2)),
    'a',
    ' ',
    'a ',
    'ab ',
    'ы ',
    '<',
    '#',
    '-',
    '\n',
    '"',
    '1',
  ];
}

function bestTime(run: () => void): bigint {
  let best: bigint | undefined;
  for (let trial = 0; trial < trials; trial += 1) {
    const start = process.hrtime.bigint();
    run();
    const elapsed = process.hrtime.bigint() - start;
    if (best === undefined || elapsed < best) best = elapsed;
  }
  return best ?? 0n;
}

function growth(
  execute: (text: string) => void,
  seed: string,
  sizes: readonly [number, number] = [smallSize, largeSize],
): number {
  const [small, large] = [fill(seed, sizes[0]), fill(seed, sizes[1])];
  execute(small); // warm up
  const smallTime = bestTime(() => {
    for (let repeat = 0; repeat < sizes[1] / sizes[0]; repeat += 1) execute(small);
  });
  const largeTime = bestTime(() => execute(large));
  return Number(largeTime + noiseFloorNs) / Number(smallTime + noiseFloorNs);
}

describe('linear time', () => {
  it.each(builtInPatterns.map((pattern) => [pattern.id, pattern] as const))(
    '%s grows linearly on adversarial input',
    (_id, pattern) => {
      const expression = new RegExp(pattern.pattern.source, pattern.pattern.flags);
      for (const seed of seedsFor(pattern)) {
        const ratio = growth((text) => void expression.exec(text), seed);
        expect(ratio, `seed ${JSON.stringify(seed)}`).toBeLessThan(maxRatio);
      }
    },
  );

  it('the whole sanitizer grows linearly on hostile input', () => {
    const sanitizer = createSanitizer({ maxLength: largeSize * 2, policy: 'neutralize' });
    const seeds = [
      'ignore all previous ',
      'i g n o r e ',
      '<|im_start|',
      '### system ',
      'Ігноруй усі попередні ',
      '\u200b',
      'aWdub3JlIGFsbCBwcmV2aW91cyBpbnN0cnVjdGlvbnMg',
      '::::',
      'ѕуѕтеm1 ',
      '[INST',
    ];
    for (const seed of seeds) {
      const ratio = growth((text) => void sanitizer.sanitize(text), seed);
      expect(ratio, `seed ${JSON.stringify(seed)}`).toBeLessThan(maxRatio);
    }
  });

  it('catches a super-linear pattern (the check can fail)', () => {
    // A classic quadratic pattern: from every start it scans to the end. Smaller sizes keep it quick.
    const quadratic = /a*b/;
    expect(growth((text) => void quadratic.exec(text), 'a', [2_000, 20_000])).toBeGreaterThan(maxRatio);
  });
});
