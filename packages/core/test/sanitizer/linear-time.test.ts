import { builtInPatterns, createSanitizer, type SanitizerPattern } from '@botkeel/core';
import { describe, expect, it } from 'vitest';
import { buildMatchingViews } from '../../src/sanitizer/matching-views.js';
import { patternExamples } from './pattern-examples.js';

/**
 * Every pattern must run in time linear in its input. For each pattern and each adversarial string we
 * time one run on 100 KB against ten runs on 10 KB (the same number of characters): a linear pattern
 * takes about the same, a quadratic one ten times longer. We compare the two and never assert an
 * absolute time. The machine is shared, so the measure is built to ignore load: CPU time of this
 * process (`process.cpuUsage`, so time spent waiting for a core does not count), the two sizes
 * interleaved (a slow spell hits both), the least of several trials per size, and a small floor that
 * absorbs timer noise on tiny runs. The bound stays at 4 (quadratic growth gives about 10).
 */
const smallSize = 10_000;
const largeSize = 100_000;
const trials = 5;
const noiseFloorUs = 300;
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

/** CPU time of this process in microseconds (user + system), not affected by waiting for a core. */
function cpuMicroseconds(run: () => void): number {
  const start = process.cpuUsage();
  run();
  const used = process.cpuUsage(start);
  return used.user + used.system;
}

function growth(
  execute: (text: string) => void,
  seed: string,
  sizes: readonly [number, number] = [smallSize, largeSize],
): number {
  const [small, large] = [fill(seed, sizes[0]), fill(seed, sizes[1])];
  execute(small); // warm up
  execute(large);
  const runSmall = (): void => {
    for (let repeat = 0; repeat < sizes[1] / sizes[0]; repeat += 1) execute(small);
  };
  let smallTime = Number.POSITIVE_INFINITY;
  let largeTime = Number.POSITIVE_INFINITY;
  // Interleaved, alternating which size goes first, so a burst of load falls on both.
  for (let trial = 0; trial < trials; trial += 1) {
    if (trial % 2 === 0) {
      smallTime = Math.min(smallTime, cpuMicroseconds(runSmall));
      largeTime = Math.min(
        largeTime,
        cpuMicroseconds(() => execute(large)),
      );
    } else {
      largeTime = Math.min(
        largeTime,
        cpuMicroseconds(() => execute(large)),
      );
      smallTime = Math.min(smallTime, cpuMicroseconds(runSmall));
    }
  }
  return (largeTime + noiseFloorUs) / (smallTime + noiseFloorUs);
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
