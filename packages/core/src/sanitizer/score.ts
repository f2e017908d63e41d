import { type SanitizerFinding, type SanitizerVerdict } from './sanitizer-types.js';

/** Most findings reported per message (strongest first). */
export const maxFindings = 32;

/**
 * Combines findings into one score with a noisy-OR over the strongest weight of each pattern id:
 * `1 - Π(1 - weight)`. Two medium signals add up; one pattern repeated does not.
 */
export function combineScore(findings: readonly SanitizerFinding[]): number {
  const strongest = new Map<string, number>();
  for (const finding of findings) {
    strongest.set(finding.patternId, Math.max(strongest.get(finding.patternId) ?? 0, finding.weight));
  }
  let remaining = 1;
  for (const weight of strongest.values()) remaining *= 1 - weight;
  return Math.round((1 - remaining) * 1000) / 1000;
}

/** The verdict for a score: `'injection'` from `threshold`, `'suspicious'` from half of it. */
export function verdictOf(score: number, threshold: number): SanitizerVerdict {
  if (score >= threshold) return 'injection';
  if (score >= threshold / 2) return 'suspicious';
  return 'clean';
}

/** Strongest first, duplicates (same pattern and source) dropped, at most {@link maxFindings}. */
export function rankFindings(findings: readonly SanitizerFinding[]): SanitizerFinding[] {
  const seen = new Set<string>();
  const unique: SanitizerFinding[] = [];
  for (const finding of [...findings].sort((left, right) => right.weight - left.weight)) {
    const key = `${finding.patternId}\u0000${finding.source}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(finding);
    if (unique.length >= maxFindings) break;
  }
  return unique;
}
