import { type AnchorEnds } from './anchor-ends.js';
import { type CompiledPattern, compilePattern } from './compiled-pattern.js';
import {
  everyGroupSeen,
  hitBuffers,
  matchBeforeHits,
  matchInWindows,
  maxRecordedHits,
} from './hit-matching.js';
import { type MatchingViews } from './matching-views.js';
import { type PatternView, type SanitizerPattern } from './sanitizer-types.js';
import { indexView, noGroups, type ViewIndex } from './view-index.js';

/** One match of a pattern in a view. */
export interface PatternMatch {
  readonly pattern: CompiledPattern;
  readonly matched: string;
}

/** Repeated hits of anchors already seen before the scanner drops them. */
const maxRepeatedHits = 256;

/** The built-in and extra patterns, indexed by view and anchor so most messages run few of them. */
export class PatternSet {
  private readonly views: Record<PatternView, ViewIndex>;
  /** Scratch flags: which patterns the current view's anchors brought (reset after each view). */
  private readonly isCandidate: Uint8Array;
  /**
   * Records the symbols view's anchor steps while the views pass writes that view
   * (`buildViewsFromNormalized`), so `match` need not scan it again; undefined without an automaton.
   */
  readonly symbolAnchorEnds: AnchorEnds | undefined;

  constructor(patterns: readonly SanitizerPattern[]) {
    const compiled = patterns.map(compilePattern);
    this.isCandidate = new Uint8Array(compiled.length);
    this.views = {
      words: indexView(
        compiled.filter((pattern) => (pattern.definition.view ?? 'words') === 'words'),
        compiled.length,
      ),
      symbols: indexView(
        compiled.filter((pattern) => pattern.definition.view === 'symbols'),
        compiled.length,
      ),
    };
    this.symbolAnchorEnds = this.views.symbols.anchorScanner?.endsRecorder();
  }

  /** Runs every pattern that can match on the views and returns the matches. */
  match(views: MatchingViews): PatternMatch[] {
    return [
      ...this.matchView(this.views.words, views.words),
      ...this.matchView(this.views.symbols, views.symbols, this.symbolAnchorEnds),
    ];
  }

  /** The matches in one view; `ends`: anchor steps a pass over `text` may have recorded. */
  private matchView(index: ViewIndex, text: string, ends?: AnchorEnds): PatternMatch[] {
    const candidates: CompiledPattern[] = [...index.unanchored];
    const hits = hitBuffers;
    let hitCount = 0;
    let isSaturated = false;
    const { openings } = index;
    const scanner = index.anchorScanner;
    if (scanner !== undefined && text.length > 0) {
      const { seen, skipped, seenIds, candidatesByAnchor, groupsByAnchor, groupSeen, openersByAnchor } =
        index;
      let seenCount = 0;
      let repeatedHits = 0;
      // After hostile repetition the scanner skips the anchors seen so far (see below).
      let isSkipping = false;
      if (ends !== undefined) scanner.adopt(text, ends);
      let start = scanner.find(text, 0);
      while (start >= 0) {
        const id = scanner.foundId;
        if (hitCount < maxRecordedHits) {
          hits.starts[hitCount] = start;
          hits.anchorIds[hitCount] = id;
          hitCount += 1;
          const openers = openersByAnchor[id] ?? noGroups;
          for (let at = 0; at < openers.length; at += 1) openings.add(openers[at] ?? 0, start);
        } else isSaturated = true;
        if (seen[id] === 1) repeatedHits += 1;
        else {
          seen[id] = 1;
          seenIds[seenCount++] = id;
          const groups = groupsByAnchor[id] ?? noGroups;
          for (let at = 0; at < groups.length; at += 1) groupSeen[groups[at] ?? 0] = 1;
          for (const pattern of candidatesByAnchor[id] ?? []) {
            if (this.isCandidate[pattern.index] === 0) {
              this.isCandidate[pattern.index] = 1;
              candidates.push(pattern);
            }
          }
        }
        if (repeatedHits > maxRepeatedHits) {
          // Hostile repetition ("::::", "----"): continue without the anchors seen so far. Later hits
          // of those are no longer recorded, so every pattern scans the whole text.
          isSaturated = true;
          isSkipping = true;
          for (let at = 0; at < seenCount; at += 1) skipped[seenIds[at] ?? 0] = 1;
          repeatedHits = 0;
          if (seenCount === index.anchorCount) break;
        }
        start = scanner.find(text, start + 1, isSkipping ? skipped : undefined);
      }
      for (let at = 0; at < seenCount; at += 1) seen[seenIds[at] ?? 0] = 0;
      if (isSkipping) skipped.fill(0);
    }
    const matches: PatternMatch[] = [];
    for (const pattern of candidates) {
      this.isCandidate[pattern.index] = 0;
      const matched = this.matchCandidate(index, pattern, text, hitCount, isSaturated);
      openings.clear(pattern.index);
      if (matched !== undefined) matches.push({ pattern, matched });
    }
    openings.reuse();
    index.groupSeen.fill(0);
    return matches;
  }

  /** The first match of one candidate pattern in the view, searched as the hits allow. */
  private matchCandidate(
    index: ViewIndex,
    pattern: CompiledPattern,
    text: string,
    hitCount: number,
    isSaturated: boolean,
  ): string | undefined {
    if (isSaturated || !pattern.runsAroundHits) return pattern.expression.exec(text)?.[0];
    // A message without a literal of each required group cannot match.
    if (!everyGroupSeen(index.groupsOfPattern[pattern.index] ?? noGroups, index.groupSeen)) {
      return undefined;
    }
    return pattern.lead === undefined
      ? matchInWindows(pattern, text, hitBuffers, hitCount, index)
      : matchBeforeHits(pattern, pattern.lead, text, index);
  }
}
