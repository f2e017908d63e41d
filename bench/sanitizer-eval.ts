/**
 * Prints the sanitizer's detection rate (verdict ≠ clean on injections) and false-positive rate
 * (verdict = injection on benign shop messages) per language on the evaluation set, separately for
 * its two splits: `tuning` (the patterns were written and adjusted against it) and `held-out` (written
 * before the last round of pattern changes and never used to adjust them: its rates are the honest
 * estimate for unseen messages). `--misses` lists the misses of the tuning split only, so looking at
 * the output never leaks held-out messages into the patterns.
 *
 *   cd bench && TSX_TSCONFIG_PATH=../tsconfig.json node --import tsx sanitizer-eval.ts [--misses]
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSanitizer, type SanitizeResult } from '@botkeel/core';

/** Which part of the evaluation set a message belongs to. */
export type EvaluationSplit = 'tuning' | 'held-out';

/** One message of the evaluation set. */
export interface EvaluationMessage {
  readonly language: 'en' | 'uk' | 'ru';
  readonly isInjection: boolean;
  readonly split: EvaluationSplit;
  readonly text: string;
}

/** Detection and false-positive counts for one language (or `'all'`). */
export interface EvaluationRow {
  readonly language: string;
  readonly injections: number;
  readonly detected: number;
  readonly benign: number;
  readonly falsePositives: number;
  /** Benign messages given `'suspicious'` (not false positives by the goal's definition, but flagged). */
  readonly suspiciousBenign: number;
}

const here = dirname(fileURLToPath(import.meta.url));

/** Reads the evaluation set shipped with the core tests. */
export function loadEvaluationSet(): EvaluationMessage[] {
  const path = join(here, '../packages/core/test/sanitizer/eval-set.json');
  return JSON.parse(readFileSync(path, 'utf8')) as EvaluationMessage[];
}

/** Scores every message and counts per language. */
export function evaluate(
  messages: readonly EvaluationMessage[],
  sanitize: (text: string) => SanitizeResult,
  onMiss?: (message: EvaluationMessage, result: SanitizeResult) => void,
): EvaluationRow[] {
  const rows = new Map<
    string,
    { injections: number; detected: number; benign: number; falsePositives: number; suspiciousBenign: number }
  >();
  for (const language of ['en', 'uk', 'ru', 'all']) {
    rows.set(language, { injections: 0, detected: 0, benign: 0, falsePositives: 0, suspiciousBenign: 0 });
  }
  for (const message of messages) {
    const result = sanitize(message.text);
    for (const row of [rows.get(message.language), rows.get('all')]) {
      if (row === undefined) continue;
      if (message.isInjection) {
        row.injections += 1;
        if (result.verdict !== 'clean') row.detected += 1;
      } else {
        row.benign += 1;
        if (result.verdict === 'injection') row.falsePositives += 1;
        if (result.verdict === 'suspicious') row.suspiciousBenign += 1;
      }
    }
    const isMiss = message.isInjection ? result.verdict === 'clean' : result.verdict === 'injection';
    if (isMiss) onMiss?.(message, result);
  }
  return [...rows].map(([language, row]) => ({ language, ...row }));
}

const percent = (part: number, whole: number): string =>
  whole === 0 ? 'n/a' : `${((100 * part) / whole).toFixed(1)} %`;

function main(): void {
  const showMisses = process.argv.includes('--misses');
  const sanitizer = createSanitizer({});
  const messages = loadEvaluationSet();
  console.log(
    '| split | language | injections | detected | detection | benign | false positives | FP rate | benign suspicious |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const split of ['tuning', 'held-out'] as const) {
    const rows = evaluate(
      messages.filter((message) => message.split === split),
      (text) => sanitizer.sanitize(text),
      (message, result) => {
        if (!showMisses || split !== 'tuning') return;
        const kind = message.isInjection ? 'MISSED' : 'FALSE POSITIVE';
        console.error(
          `${kind} [${message.language}] ${result.verdict} ${result.score}: ${message.text.slice(0, 120)}`,
        );
        for (const finding of result.findings) console.error(`    ${finding.patternId} ${finding.weight}`);
      },
    );
    for (const row of rows) {
      console.log(
        `| ${split} | ${row.language} | ${row.injections} | ${row.detected} | ${percent(row.detected, row.injections)} | ${row.benign} | ${row.falsePositives} | ${percent(row.falsePositives, row.benign)} | ${percent(row.suspiciousBenign, row.benign)} |`,
      );
    }
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) main();
