import { decodeEncodedPayloads } from './encoded-payloads.js';
import { buildViewsFromNormalized, type MatchingViews, toNormalizationForm } from './matching-views.js';
import { toNfkc } from './normalize-nfkc.js';
import { type PatternSet } from './pattern-set.js';
import { type FindingSource, maxExcerptLength, type SanitizerFinding } from './sanitizer-types.js';
import { type VisibleText } from './visible-text.js';

/** Tag characters decoded to at least this many ASCII characters (or any space) are hidden text. */
const minimumTagText = 8;
/** This many removed invisible characters is unusual for a typed message. */
const invisibleFloodCount = 8;

const excerptOf = (text: string): string =>
  text.length <= maxExcerptLength ? text : `${text.slice(0, maxExcerptLength - 1)}…`;

/** Runs the patterns on the views of NFKC text. */
function matchText(patterns: PatternSet, normalized: string, source: FindingSource): SanitizerFinding[] {
  return matchViews(patterns, buildViewsFromNormalized(normalized, patterns.symbolAnchorEnds), source);
}

function matchViews(patterns: PatternSet, views: MatchingViews, source: FindingSource): SanitizerFinding[] {
  return patterns.match(views).map(({ pattern, matched }) => ({
    patternId: pattern.definition.id,
    technique: pattern.definition.technique,
    language: pattern.definition.language,
    weight: pattern.definition.weight,
    source,
    excerpt: excerptOf(matched),
  }));
}

/** NFKC of the visible text; the visible-text scan made the quick check already when it says yes or no. */
function normalizationOf(visible: VisibleText): string {
  if (visible.isNormalized === true) return visible.text;
  if (visible.isNormalized === false) return toNfkc(visible.text, visible.unsafeFrom, visible.unsafeTo);
  return toNormalizationForm(visible.text);
}

/** What {@link detect} found, with the forms of the visible text it built on the way. */
export interface Detection {
  readonly findings: SanitizerFinding[];
  /** NFKC of the visible text. */
  readonly normalized: string;
  /** The symbols view of `normalized` (lower case, look-alikes folded to Latin). */
  readonly symbols: string;
}

/**
 * Runs the patterns on the visible text, on text decoded from base64/hex runs and on text hidden in
 * Unicode tag characters, and adds findings for hidden or encoded text itself; also returns the NFKC
 * text and its symbols view for the policy to reuse.
 */
export function detect(patterns: PatternSet, visible: VisibleText): Detection {
  const normalized = normalizationOf(visible);
  const views = buildViewsFromNormalized(normalized, patterns.symbolAnchorEnds);
  const findings = matchViews(patterns, views, 'text');
  if (visible.tagText.length >= minimumTagText || visible.tagText.includes(' ')) {
    findings.push({
      patternId: 'any.hidden.unicode-tags',
      technique: 'hidden-instruction',
      language: 'any',
      weight: 0.7,
      source: 'unicode-tags',
      excerpt: excerptOf(visible.tagText),
    });
    findings.push(...matchText(patterns, toNormalizationForm(visible.tagText), 'unicode-tags'));
  }
  if (visible.removedCount >= invisibleFloodCount) {
    findings.push({
      patternId: 'any.hidden.invisible-characters',
      technique: 'hidden-instruction',
      language: 'any',
      weight: 0.3,
      source: 'text',
      excerpt: `${visible.removedCount} invisible characters removed`,
    });
  }
  // The visible-text scan already knows where runs can be, unless NFKC changed the text.
  const knownRuns = normalized === visible.text ? visible.runs : undefined;
  for (const payload of decodeEncodedPayloads(normalized, knownRuns)) {
    const decodedFindings = matchText(patterns, toNormalizationForm(payload.text), payload.encoding);
    findings.push({
      patternId: 'any.hidden.encoded-text',
      technique: 'hidden-instruction',
      language: 'any',
      weight: decodedFindings.length > 0 ? 0.5 : 0.35,
      source: payload.encoding,
      excerpt: excerptOf(payload.text),
    });
    findings.push(...decodedFindings);
  }
  return { findings, normalized, symbols: views.symbols };
}
