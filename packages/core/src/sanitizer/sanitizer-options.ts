import { z } from 'zod';
import { type SanitizerClassifier, type SanitizerPattern, type SanitizerPolicy } from './sanitizer-types.js';

/** Options of {@link createSanitizer}. */
export interface SanitizerOptions {
  /** Longest text returned and scanned, in UTF-16 code units. Default 4,096. */
  readonly maxLength?: number;
  /** What to do with a message. Default `'flag'`. */
  readonly policy?: SanitizerPolicy;
  /** Score (0–1] from which the verdict is `'injection'`; `'suspicious'` starts at half. Default 0.7. */
  readonly threshold?: number;
  /** Patterns added to the built-in ones (they must be linear-time: bounded quantifiers only). */
  readonly extraPatterns?: readonly SanitizerPattern[];
  /** Optional asynchronous second opinion used by `sanitizeAsync`. */
  readonly classifier?: SanitizerClassifier;
}

const languages = ['en', 'uk', 'ru', 'any'] as const;
const techniques = [
  'instruction-override',
  'persona-jailbreak',
  'prompt-exfiltration',
  'delimiter-smuggling',
  'tool-abuse',
  'hidden-instruction',
  'classifier',
] as const;

const patternSchema = z.object({
  id: z.string().min(1).max(120),
  technique: z.enum(techniques),
  language: z.enum(languages),
  weight: z.number().min(0).max(1),
  pattern: z.instanceof(RegExp),
  view: z.enum(['words', 'symbols']).optional(),
  anchors: z.array(z.string().min(1)).readonly().optional(),
  requiredLiterals: z
    .array(z.array(z.string().min(1)).min(1).readonly())
    .readonly()
    .optional(),
});

/** The zod schema of {@link SanitizerOptions}. */
export const sanitizerOptionsSchema = z.object({
  maxLength: z.number().int().min(1).max(1_000_000).default(4096),
  policy: z.enum(['flag', 'neutralize', 'block']).default('flag'),
  threshold: z.number().gt(0).max(1).default(0.7),
  extraPatterns: z.array(patternSchema).readonly().default([]),
  classifier: z
    .custom<SanitizerClassifier>((value) => typeof value === 'function', 'Expected a function')
    .optional(),
});
