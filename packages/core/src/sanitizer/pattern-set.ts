import { AnchorScanner } from './anchor-scanner.js';
import { type ExpressionBounds, measureExpression } from './expression-bounds.js';
import { type MatchingViews } from './matching-views.js';
import { anchorLead, startsAtTextStartOrSpace } from './anchor-lead.js';
import { type PatternView, type SanitizerPattern } from './sanitizer-types.js';

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
    analysis = {
      bounds: measureExpression(definition.pattern),
      lead: anchorLead(definition.pattern, definition.anchors ?? [], maxLead),
      startsAtSpace: startsAtTextStartOrSpace(definition.pattern),
    };
    analyses.set(definition, analysis);
  }
  return analysis;
}

/** One match of a pattern in a view. */
export interface PatternMatch {
  readonly pattern: CompiledPattern;
  readonly matched: string;
}

interface ViewIndex {
  /** Patterns that always run (no anchors). */
  readonly unanchored: readonly CompiledPattern[];
  /** Finds the longest anchor at each position (undefined when the view has no anchors). */
  readonly anchorScanner: AnchorScanner | undefined;
  /** By anchor number: the patterns to run when it (or an anchor containing it) occurs. */
  readonly candidatesByAnchor: readonly (readonly CompiledPattern[])[];
  /**
   * `opensWindow[pattern.index * anchorCount + anchorId]` is 1 when anchor `anchorId` starts with
   * one of that pattern's anchors (itself included). Every match contains an anchor of the pattern,
   * and at that anchor's position the scanner reports the longest anchor starting there, which starts
   * with it; an anchor of the pattern inside a hit but not at its start is a hit of its own at its own
   * position. So only these hits open windows.
   */
  readonly opensWindow: Uint8Array;
  readonly anchorCount: number;
  /** Scratch flags by anchor number: seen in the current view, and skipped after hostile repetition. */
  readonly seen: Uint8Array;
  readonly skipped: Uint8Array;
  /** The anchor numbers seen in the current view, to reset `seen`. */
  readonly seenIds: Int32Array;
  /** By pattern index: the numbers of its groups of required literals in this view. */
  readonly groupsOfPattern: readonly Int32Array[];
  /**
   * `hasGroup[group * anchorCount + anchorId]` is 1 when anchor `anchorId` starts with a literal of
   * group `group`: required literals are anchors of the scanner too, and at a literal's position the
   * scanner reports the longest anchor there, which starts with it.
   */
  readonly hasGroup: Uint8Array;
  /** By anchor number: the groups it starts a literal of. */
  readonly groupsByAnchor: readonly Int32Array[];
  /** Scratch flags by group number: seen in the current view. */
  readonly groupSeen: Uint8Array;
}

function indexView(patterns: readonly CompiledPattern[], patternCount: number): ViewIndex {
  const unanchored: CompiledPattern[] = [];
  const byAnchor = new Map<string, CompiledPattern[]>();
  const groups: (readonly string[])[] = [];
  const groupsOfPattern: Int32Array[] = Array.from({ length: patternCount }, () => noGroups);
  for (const pattern of patterns) {
    const anchors = pattern.definition.anchors ?? [];
    if (anchors.length === 0) {
      unanchored.push(pattern);
      continue;
    }
    for (const anchor of anchors) {
      const list = byAnchor.get(anchor) ?? [];
      if (!list.includes(pattern)) list.push(pattern);
      byAnchor.set(anchor, list);
    }
    groupsOfPattern[pattern.index] = Int32Array.from(
      (pattern.definition.requiredLiterals ?? []).map((group) => groups.push(group) - 1),
    );
  }
  const literals = new Set<string>(byAnchor.keys());
  const groupsByLiteral = new Map<string, number[]>();
  groups.forEach((group, number) => {
    for (const literal of group) {
      literals.add(literal);
      groupsByLiteral.set(literal, [...(groupsByLiteral.get(literal) ?? []), number]);
    }
  });
  const anchors = [...literals].sort((left, right) => right.length - left.length);
  const anchorCount = anchors.length;
  // A match of a long anchor hides shorter anchors found inside it at the same place, so each anchor
  // also brings the patterns of every anchor it contains.
  const candidatesByAnchor: CompiledPattern[][] = [];
  const opensWindow = new Uint8Array(patternCount * anchorCount);
  const hasGroup = new Uint8Array(groups.length * anchorCount);
  const groupsByAnchor: Int32Array[] = [];
  anchors.forEach((anchor, id) => {
    const candidates = new Set<CompiledPattern>();
    for (const [other, list] of byAnchor) {
      if (!anchor.includes(other)) continue;
      for (const pattern of list) {
        candidates.add(pattern);
        if (anchor.startsWith(other)) opensWindow[pattern.index * anchorCount + id] = 1;
      }
    }
    candidatesByAnchor.push([...candidates]);
    const started = new Set<number>();
    for (let length = 1; length <= anchor.length; length += 1) {
      for (const number of groupsByLiteral.get(anchor.slice(0, length)) ?? []) started.add(number);
    }
    for (const number of started) hasGroup[number * anchorCount + id] = 1;
    groupsByAnchor.push(Int32Array.from(started));
  });
  return {
    unanchored,
    anchorScanner: anchors.length === 0 ? undefined : new AnchorScanner(anchors),
    candidatesByAnchor,
    opensWindow,
    anchorCount,
    seen: new Uint8Array(anchorCount),
    skipped: new Uint8Array(anchorCount),
    seenIds: new Int32Array(anchorCount),
    groupsOfPattern,
    hasGroup,
    groupsByAnchor,
    groupSeen: new Uint8Array(groups.length),
  };
}

/** Repeated hits of anchors already seen before the scanner drops them. */
const maxRepeatedHits = 256;

/** The built-in and extra patterns, indexed by view and anchor so most messages run few of them. */
export class PatternSet {
  private readonly views: Record<PatternView, ViewIndex>;
  /** Scratch flags: which patterns the current view's anchors brought (reset after each view). */
  private readonly isCandidate: Uint8Array;

  constructor(patterns: readonly SanitizerPattern[]) {
    const compiled = patterns.map((definition, index): CompiledPattern => {
      const flags = definition.pattern.flags.replace(/[gy]/g, '');
      const { bounds, lead, startsAtSpace } = analysisOf(definition);
      return {
        index,
        definition,
        expression: new RegExp(definition.pattern.source, flags),
        windowExpression: new RegExp(definition.pattern.source, `${flags}g`),
        maxLength: bounds.maxLength,
        margin: bounds.context + 1,
        shortestAnchor: Math.min(...(definition.anchors ?? []).map((anchor) => anchor.length)),
        lead,
        startsAtSpace,
        stickyExpression: new RegExp(definition.pattern.source, `${flags}y`),
      };
    });
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
      const isWholeText =
        isSaturated || !Number.isFinite(pattern.maxLength) || !Number.isFinite(pattern.shortestAnchor);
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

const noGroups = new Int32Array(0);

function everyGroupSeen(groups: Int32Array, groupSeen: Uint8Array): boolean {
  for (let at = 0; at < groups.length; at += 1) if (groupSeen[groups[at] ?? 0] !== 1) return false;
  return true;
}

/**
 * Whether the hits from `firstHit` on that start before `end` hold a literal of every group (the
 * window of a match holds the match, and the match one literal of each).
 */
function windowHasGroups(
  groups: Int32Array,
  hits: AnchorHits,
  firstHit: number,
  hitCount: number,
  end: number,
  index: ViewIndex,
): boolean {
  const { hasGroup, anchorCount } = index;
  for (let at = 0; at < groups.length; at += 1) {
    const row = (groups[at] ?? 0) * anchorCount;
    let hit = firstHit;
    while (
      hit < hitCount &&
      (hits.starts[hit] ?? 0) < end &&
      hasGroup[row + (hits.anchorIds[hit] ?? 0)] !== 1
    ) {
      hit += 1;
    }
    if (hit >= hitCount || (hits.starts[hit] ?? 0) >= end) return false;
  }
  return true;
}

/** Most anchor hits recorded per view; past it, patterns scan the whole text (hostile input). */
const maxRecordedHits = 4096;

/** Where the anchor scanner found anchors: start and anchor number of each hit. */
interface AnchorHits {
  readonly starts: Int32Array;
  readonly anchorIds: Int32Array;
}

/** Reused for every view (matching is synchronous and never re-entered). */
const hitBuffers: AnchorHits = {
  starts: new Int32Array(maxRecordedHits),
  anchorIds: new Int32Array(maxRecordedHits),
};

/**
 * Tries a pattern whose matches start at most `lead` code units before one of its anchors only at
 * those positions, in increasing order, on the whole text (so look-arounds see the real context).
 * Every match starts at one of them, so the first that matches is the leftmost match, the one a
 * whole-text search finds.
 */
function matchBeforeHits(
  pattern: CompiledPattern,
  lead: number,
  text: string,
  hits: AnchorHits,
  hitCount: number,
  index: ViewIndex,
): string | undefined {
  const { stickyExpression, startsAtSpace } = pattern;
  const row = pattern.index * index.anchorCount;
  let tried = -1;
  for (let hit = 0; hit < hitCount; hit += 1) {
    if (index.opensWindow[row + (hits.anchorIds[hit] ?? 0)] !== 1) continue;
    const hitStart = hits.starts[hit] ?? 0;
    for (let position = Math.max(tried + 1, hitStart - lead); position <= hitStart; position += 1) {
      if (startsAtSpace && position > 0 && text.charCodeAt(position) !== 0x20) continue;
      stickyExpression.lastIndex = position;
      const found = stickyExpression.exec(text);
      if (found !== null) {
        stickyExpression.lastIndex = 0;
        return found[0];
      }
    }
    tried = Math.max(tried, hitStart);
  }
  stickyExpression.lastIndex = 0;
  return undefined;
}

/**
 * Runs a bounded pattern only in windows around the hits of its anchors. Every match contains an
 * anchor and is at most `maxLength` long, so it starts within `maxLength` before a hit; a window adds
 * `margin` on each side for look-arounds and word boundaries, and only matches starting where the
 * window sees everything the expression can read are accepted. So the first accepted match is the
 * whole-text match (the same leftmost match), found without scanning the rest of the text.
 */
function matchInWindows(
  pattern: CompiledPattern,
  text: string,
  hits: AnchorHits,
  hitCount: number,
  index: ViewIndex,
): string | undefined {
  const { maxLength, margin, windowExpression, shortestAnchor } = pattern;
  const length = text.length;
  const row = pattern.index * index.anchorCount;
  const groups = index.groupsOfPattern[pattern.index] ?? noGroups;
  let windowStart = -1;
  let windowEnd = -1;
  // The first hit at or after the current window's start (window starts only grow).
  let firstHitInWindow = 0;
  for (let hit = 0; hit <= hitCount; hit += 1) {
    let start = 0;
    let end = 0;
    if (hit < hitCount) {
      if (index.opensWindow[row + (hits.anchorIds[hit] ?? 0)] !== 1) continue;
      const hitStart = hits.starts[hit] ?? 0;
      // The anchor of the pattern at the hit ends at least `shortestAnchor` after it, so the match
      // starts at most `maxLength` before that; the same offset for every hit keeps window starts in
      // the order of the hits, so windows merge in one pass.
      start = Math.max(0, hitStart + shortestAnchor - maxLength - margin);
      end = Math.min(length, hitStart + maxLength + margin);
      if (windowStart < 0) {
        windowStart = start;
        windowEnd = end;
        continue;
      }
      if (start <= windowEnd) {
        windowEnd = Math.max(windowEnd, end);
        continue;
      }
    }
    if (windowStart < 0) return undefined;
    const acceptStart = windowStart === 0 ? 0 : windowStart + margin;
    const acceptEnd = windowEnd === length ? length : windowEnd - maxLength - margin;
    while (firstHitInWindow < hitCount && (hits.starts[firstHitInWindow] ?? 0) < windowStart) {
      firstHitInWindow += 1;
    }
    if (
      acceptStart <= acceptEnd &&
      (groups.length === 0 || windowHasGroups(groups, hits, firstHitInWindow, hitCount, windowEnd, index))
    ) {
      windowExpression.lastIndex = acceptStart - windowStart;
      const found = windowExpression.exec(text.slice(windowStart, windowEnd));
      windowExpression.lastIndex = 0;
      if (found !== null && found.index + windowStart <= acceptEnd) return found[0];
    }
    if (hit >= hitCount) return undefined;
    windowStart = start;
    windowEnd = end;
  }
  return undefined;
}
