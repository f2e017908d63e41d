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
  }

  /** Runs every pattern that can match on the views and returns the matches. */
  match(views: MatchingViews): PatternMatch[] {
    return [
      ...this.matchView(this.views.words, views.words),
      ...this.matchView(this.views.symbols, views.symbols),
    ];
  }

  private matchView(index: ViewIndex, text: string): PatternMatch[] {
    const candidates: CompiledPattern[] = [...index.unanchored];
    const hits = hitBuffers;
    let hitCount = 0;
    let isSaturated = false;
    const scanner = index.anchorScanner;
    if (scanner !== undefined && text.length > 0) {
      const { seen, skipped, seenIds, candidatesByAnchor, groupsByAnchor, groupSeen } = index;
      let seenCount = 0;
      let repeatedHits = 0;
      // After hostile repetition the scanner skips the anchors seen so far (see below).
      let isSkipping = false;
      let start = scanner.find(text, 0);
      while (start >= 0) {
        const id = scanner.foundId;
        if (hitCount < maxRecordedHits) {
          hits.starts[hitCount] = start;
          hits.anchorIds[hitCount] = id;
          hitCount += 1;
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
      const isWholeText = isSaturated || !pattern.runsAroundHits;
      // A message without a literal of each required group cannot match (unless hits were dropped).
      if (
        !isWholeText &&
        !everyGroupSeen(index.groupsOfPattern[pattern.index] ?? noGroups, index.groupSeen)
      ) {
        continue;
      }
      const matched = isWholeText
        ? pattern.expression.exec(text)?.[0]
        : pattern.lead === undefined
          ? matchInWindows(pattern, text, hits, hitCount, index)
          : matchBeforeHits(pattern, pattern.lead, text, hits, hitCount, index);
      if (matched !== undefined) matches.push({ pattern, matched });
    }
    index.groupSeen.fill(0);
    return matches;
  }
}
