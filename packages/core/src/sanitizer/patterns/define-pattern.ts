import { foldToLatin } from '../matching-views.js';
import {
  type InjectionTechnique,
  type PatternLanguage,
  type PatternView,
  type SanitizerPattern,
} from '../sanitizer-types.js';

/** Up to five more Cyrillic letters: a word ending (bounded, so linear-time). */
export const ending = '[а-яёіїєґ]{0,5}';

/** Parameters of {@link definePattern}. */
interface PatternDefinition {
  readonly id: string;
  readonly technique: InjectionTechnique;
  readonly language: PatternLanguage;
  readonly weight: number;
  /** Literal fragments of which one occurs in every match. */
  readonly anchors: readonly string[];
  /** Further groups of fragments: every match contains one of each (see `SanitizerPattern`). */
  readonly requiredLiterals?: readonly (readonly string[])[];
  /** The expression source; `{E}` stands for {@link ending}. */
  readonly source: string;
  readonly view?: PatternView;
}

/** Cyrillic has no `\\b` in non-Unicode expressions, so uk/ru word patterns start at a word start. */
function wordStart(definition: PatternDefinition): string {
  const isCyrillicWords =
    (definition.view ?? 'words') === 'words' &&
    (definition.language === 'uk' || definition.language === 'ru');
  return isCyrillicWords ? '(?:^| )(?:' : '(?:';
}

/**
 * Builds a built-in pattern from its source (no flags: views are lower case already). Sources and
 * anchors of `'symbols'` patterns are folded like the view (Cyrillic look-alikes become Latin), so
 * they are written in plain Cyrillic without character ranges.
 */
export function definePattern(definition: PatternDefinition): SanitizerPattern {
  const view = definition.view ?? 'words';
  const fold = view === 'symbols' ? foldToLatin : (text: string): string => text;
  return {
    id: definition.id,
    technique: definition.technique,
    language: definition.language,
    weight: definition.weight,
    anchors: definition.anchors.map(fold),
    ...(definition.requiredLiterals === undefined
      ? {}
      : { requiredLiterals: definition.requiredLiterals.map((group) => group.map(fold)) }),
    view,
    pattern: new RegExp(fold(wordStart(definition) + definition.source.replaceAll('{E}', ending) + ')')),
  };
}
