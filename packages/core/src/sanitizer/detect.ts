import { decodeEncodedPayloads } from './encoded-payloads.js';
import { buildMatchingViews } from './matching-views.js';
import { type PatternSet } from './pattern-set.js';
import { type FindingSource, maxExcerptLength, type SanitizerFinding } from './sanitizer-types.js';
import { type VisibleText } from './visible-text.js';

/** Tag characters decoded to at least this many ASCII characters (or any space) are hidden text. */
const minimumTagText = 8;
/** This many removed invisible characters is unusual for a typed message. */
const invisibleFloodCount = 8;

const excerptOf = (text: string): string =>
  text.length <= maxExcerptLength ? text : `${text.slice(0, maxExcerptLength - 1)}…`;

function matchText(patterns: PatternSet, text: string, source: FindingSource): SanitizerFinding[] {
  return patterns.match(buildMatchingViews(text)).map(({ pattern, matched }) => ({
    patternId: pattern.definition.id,
    technique: pattern.definition.technique,
    language: pattern.definition.language,
    weight: pattern.definition.weight,
    source,
    excerpt: excerptOf(matched),
  }));
}

/**
 * Runs the patterns on the visible text, on text decoded from base64/hex runs and on text hidden in
 * Unicode tag characters, and adds findings for hidden or encoded text itself.
 */
export function detectFindings(patterns: PatternSet, visible: VisibleText): SanitizerFinding[] {
  const findings = matchText(patterns, visible.text, 'text');
  if (visible.tagText.length >= minimumTagText || visible.tagText.includes(' ')) {
    findings.push({
      patternId: 'any.hidden.unicode-tags',
      technique: 'hidden-instruction',
      language: 'any',
      weight: 0.7,
      source: 'unicode-tags',
      excerpt: excerptOf(visible.tagText),
    });
    findings.push(...matchText(patterns, visible.tagText, 'unicode-tags'));
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
  for (const payload of decodeEncodedPayloads(visible.text.normalize('NFKC'))) {
    const decodedFindings = matchText(patterns, payload.text, payload.encoding);
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
  return findings;
}
