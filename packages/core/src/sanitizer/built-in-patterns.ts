import {
  delimiterSmugglingPatterns,
  generalProximityPatterns,
  hiddenInstructionPatterns,
  instructionOverridePatterns,
  personaJailbreakPatterns,
  promptExfiltrationPatterns,
  toolAbusePatterns,
} from './patterns/index.js';
import { type SanitizerPattern } from './sanitizer-types.js';

/**
 * Every built-in pattern, grouped by technique, in English, Ukrainian and Russian. All are linear-time
 * (bounded quantifiers only) and run on the normalized views, so look-alike letters, leetspeak,
 * spaced letters and invisible characters do not hide them.
 *
 * @example
 * ```ts
 * const ids = builtInPatterns.filter((pattern) => pattern.language === 'uk').map((pattern) => pattern.id);
 * ```
 */
export const builtInPatterns: readonly SanitizerPattern[] = [
  ...instructionOverridePatterns,
  ...personaJailbreakPatterns,
  ...promptExfiltrationPatterns,
  ...delimiterSmugglingPatterns,
  ...toolAbusePatterns,
  ...hiddenInstructionPatterns,
  ...generalProximityPatterns,
];
