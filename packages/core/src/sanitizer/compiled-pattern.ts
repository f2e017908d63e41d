import { leadOf, opensAtTextStartOrSpace } from './anchor-lead.js';
import { boundsOf, type ExpressionBounds } from './expression-bounds.js';
import { readExpression } from './expression-syntax.js';
import { type SanitizerPattern } from './sanitizer-types.js';

/** A pattern prepared for matching: flags stripped of `g`/`y` so it keeps no state between calls. */
export interface CompiledPattern {
  /** Position in the set, for flag arrays. */
  readonly index: number;
  readonly definition: SanitizerPattern;
  readonly expression: RegExp;
  /** The same expression with the `g` flag, for searching a window from a chosen index. */
  readonly windowExpression: RegExp;
  /** Longest match (code units); `Infinity` when unknown, and then the pattern scans the whole text. */
  readonly maxLength: number;
  /** Code units read around a match (look-arounds, `\b`, `^`), plus one. */
  readonly margin: number;
  /** Length of the pattern's shortest anchor (`Infinity` without anchors: it scans the whole text). */
  readonly shortestAnchor: number;
  /**
   * When known: every match starts at most this many code units before one of the pattern's anchors
   * (see `anchorLead`), so the pattern is tried only at those positions, with `stickyExpression`.
   */
  readonly lead: number | undefined;
  /** The same expression with the `y` flag, to try one position. */
  readonly stickyExpression: RegExp;
  /** Every match starts at the start of the text or with a space: other positions need no try. */
  readonly startsAtSpace: boolean;
  /** Bounded and anchored: it can run around anchor hits (else it scans the whole text). */
  readonly runsAroundHits: boolean;
}

/** Positions tried before each anchor hit at most; past it, windows are cheaper. */
const maxLead = 12;

interface PatternAnalysis {
  readonly bounds: ExpressionBounds;
  readonly lead: number | undefined;
  readonly startsAtSpace: boolean;
}

/**
 * The analyses of each pattern definition, kept while it lives: the built-in patterns are the same
 * objects in every sanitizer, so a new sanitizer does not parse them again.
 */
const analyses = new WeakMap<SanitizerPattern, PatternAnalysis>();

function analysisOf(definition: SanitizerPattern): PatternAnalysis {
  let analysis = analyses.get(definition);
  if (analysis === undefined) {
    const parsed = readExpression(definition.pattern);
    analysis = {
      bounds: boundsOf(parsed),
      lead: leadOf(parsed, definition.anchors ?? [], maxLead),
      startsAtSpace: opensAtTextStartOrSpace(parsed),
    };
    analyses.set(definition, analysis);
  }
  return analysis;
}

/** Prepares pattern `index` of a set: its expressions and what the analyses know about it. */
export function compilePattern(definition: SanitizerPattern, index: number): CompiledPattern {
  const flags = definition.pattern.flags.replace(/[gy]/g, '');
  const { bounds, lead, startsAtSpace } = analysisOf(definition);
  const shortestAnchor = Math.min(...(definition.anchors ?? []).map((anchor) => anchor.length));
  return {
    index,
    definition,
    expression: new RegExp(definition.pattern.source, flags),
    windowExpression: new RegExp(definition.pattern.source, `${flags}g`),
    maxLength: bounds.maxLength,
    margin: bounds.context + 1,
    shortestAnchor,
    runsAroundHits: Number.isFinite(bounds.maxLength) && Number.isFinite(shortestAnchor),
    lead,
    startsAtSpace,
    stickyExpression: new RegExp(definition.pattern.source, `${flags}y`),
  };
}
