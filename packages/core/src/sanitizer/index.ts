export { createSanitizer } from './create-sanitizer.js';
export { type SanitizerOptions, sanitizerOptionsSchema } from './sanitizer-options.js';
export { builtInPatterns } from './built-in-patterns.js';
export { hasIntactRoleTag } from './role-tags.js';
export {
  type ClassifierResult,
  type FindingSource,
  type InjectionTechnique,
  maxExcerptLength,
  type PatternLanguage,
  type PatternView,
  type SanitizeAsyncOptions,
  type SanitizeResult,
  type Sanitizer,
  type SanitizerClassifier,
  type SanitizerFinding,
  type SanitizerPattern,
  type SanitizerPolicy,
  type SanitizerVerdict,
} from './sanitizer-types.js';
