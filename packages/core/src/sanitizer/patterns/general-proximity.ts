import { type SanitizerPattern } from '../sanitizer-types.js';
import { generalEnglishPatterns } from './general-en.js';
import { generalRussianPatterns } from './general-ru.js';
import { generalUkrainianPatterns } from './general-uk.js';

/** Manipulation verb + model-internal target, persona switches, "what you were told", in en/uk/ru. */
export const generalProximityPatterns: readonly SanitizerPattern[] = [
  ...generalEnglishPatterns,
  ...generalUkrainianPatterns,
  ...generalRussianPatterns,
];
