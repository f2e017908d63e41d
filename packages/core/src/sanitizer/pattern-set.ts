import { AnchorScanner } from './anchor-scanner.js';
import { measureExpression } from './expression-bounds.js';
import { type MatchingViews } from './matching-views.js';
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
  /** Anchor → patterns to run when it (or an anchor containing it) occurs. */
  readonly candidatesByAnchor: ReadonlyMap<string, readonly CompiledPattern[]>;
  /** Anchor → its number in this view. */
  readonly anchorIds: ReadonlyMap<string, number>;
  /** `triggers[pattern.index * anchorCount + anchorId]` is 1 when that anchor brings that pattern. */
  readonly triggers: Uint8Array;
  readonly anchorCount: number;
  /** Scanners without some anchors, for hostile repetition. */
  readonly reducedScanners: Map<string, RegExp | undefined>;
}

const escapeExpression = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

function indexView(patterns: readonly CompiledPattern[], patternCount: number): ViewIndex {
  const unanchored: CompiledPattern[] = [];
  const byAnchor = new Map<string, CompiledPattern[]>();
  for (const pattern of patterns) {
    const anchors = pattern.definition.anchors ?? [];
    if (anchors.length === 0) {
      unanchored.push(pattern);
      continue;
    }
    for (const anchor of anchors) {
      const list = byAnchor.get(anchor) ?? [];
      list.push(pattern);
      byAnchor.set(anchor, list);
    }
  }
  const anchors = [...byAnchor.keys()].sort((left, right) => right.length - left.length);
  // A match of a long anchor hides shorter anchors found inside it at the same place, so each anchor
  // also brings the patterns of every anchor it contains.
  const candidatesByAnchor = new Map<string, readonly CompiledPattern[]>();
  for (const anchor of anchors) {
    const candidates = new Set<CompiledPattern>();
    for (const [other, list] of byAnchor) {
      if (anchor.includes(other)) for (const pattern of list) candidates.add(pattern);
    }
    candidatesByAnchor.set(anchor, [...candidates]);
  }
  const anchorIds = new Map(anchors.map((anchor, id) => [anchor, id]));
  const anchorCount = anchors.length;
  const triggers = new Uint8Array(patternCount * anchorCount);
  for (const [anchor, candidates] of candidatesByAnchor) {
    const id = anchorIds.get(anchor) ?? 0;
    for (const pattern of candidates) triggers[pattern.index * anchorCount + id] = 1;
  }
  return {
    unanchored,
    anchorScanner: anchors.length === 0 ? undefined : new AnchorScanner(anchors),
    candidatesByAnchor,
    anchorIds,
    triggers,
    anchorCount,
    reducedScanners: new Map(),
  };
}

/** Repeated hits of anchors already seen before the scanner drops them. */
const maxRepeatedHits = 256;

/**
 * One expression finding the longest anchor at each position. Anchors are grouped by first character
 * (`i(?:gnore|nstruc)|…`), which the regular expression engine rejects faster than one flat
 * alternation; within a group the longest comes first, so the hits are the same.
 */
function buildScanner(anchors: readonly string[]): RegExp | undefined {
  if (anchors.length === 0) return undefined;
  const groups = new Map<string, string[]>();
  for (const anchor of anchors) {
    const first = anchor.charAt(0);
    groups.set(first, [...(groups.get(first) ?? []), anchor]);
  }
  const alternatives = [...groups].map(([first, members]) => {
    const rests = members
      .sort((left, right) => right.length - left.length)
      .map((member) => escapeExpression(member.slice(1)));
    return `${escapeExpression(first)}(?:${rests.join('|')})`;
  });
  return new RegExp(alternatives.join('|'), 'g');
}

/** A scanner for the anchors of `index` minus `seen` (compiled once per set, cache bounded). */
function scannerWithout(index: ViewIndex, seen: ReadonlySet<string>): RegExp | undefined {
  const remaining = [...index.candidatesByAnchor.keys()].filter((anchor) => !seen.has(anchor));
  const key = remaining.join('\u0000');
  const cached = index.reducedScanners.get(key);
  if (cached !== undefined || index.reducedScanners.has(key)) return cached;
  const scanner = buildScanner(remaining);
  if (index.reducedScanners.size >= 64) index.reducedScanners.clear();
  index.reducedScanners.set(key, scanner);
  return scanner;
}

/** The built-in and extra patterns, indexed by view and anchor so most messages run few of them. */
export class PatternSet {
  private readonly views: Record<PatternView, ViewIndex>;
  /** Scratch flags: which patterns the current view's anchors brought (reset after each view). */
  private readonly isCandidate: Uint8Array;

  constructor(patterns: readonly SanitizerPattern[]) {
    const compiled = patterns.map((definition, index): CompiledPattern => {
      const flags = definition.pattern.flags.replace(/[gy]/g, '');
      const bounds = measureExpression(definition.pattern);
      return {
        index,
        definition,
        expression: new RegExp(definition.pattern.source, flags),
        windowExpression: new RegExp(definition.pattern.source, `${flags}g`),
        maxLength: bounds.maxLength,
        margin: bounds.context + 1,
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
    if (index.anchorScanner !== undefined && text.length > 0) {
      const seen = new Set<string>();
      let repeatedHits = 0;
      // The table scanner until hostile repetition, then regular expressions without the seen anchors.
      let reduced: RegExp | undefined;
      let reducedAnchor = '';
      const scanner = index.anchorScanner;
      let start = scanner.find(text, 0);
      while (start >= 0) {
        const anchor = reduced === undefined ? scanner.foundAnchor : reducedAnchor;
        if (hitCount < maxRecordedHits) {
          hits.starts[hitCount] = start;
          hits.lengths[hitCount] = anchor.length;
          hits.anchorIds[hitCount] = index.anchorIds.get(anchor) ?? 0;
          hitCount += 1;
        } else isSaturated = true;
        if (seen.has(anchor)) repeatedHits += 1;
        else {
          seen.add(anchor);
          for (const pattern of index.candidatesByAnchor.get(anchor) ?? []) {
            if (this.isCandidate[pattern.index] === 0) {
              this.isCandidate[pattern.index] = 1;
              candidates.push(pattern);
            }
          }
        }
        if (repeatedHits > maxRepeatedHits) {
          // Hostile repetition ("::::", "----"): continue with a scanner for the anchors not seen yet.
          // Later hits of the anchors seen are no longer recorded, so every pattern scans the whole text.
          isSaturated = true;
          reduced = scannerWithout(index, seen);
          repeatedHits = 0;
          if (reduced === undefined) break;
        }
        if (reduced === undefined) start = scanner.find(text, start + 1);
        else {
          reduced.lastIndex = start + 1;
          const next = reduced.exec(text);
          start = next === null ? -1 : next.index;
          reducedAnchor = next === null ? '' : next[0];
        }
      }
    }
    const matches: PatternMatch[] = [];
    for (const pattern of candidates) {
      this.isCandidate[pattern.index] = 0;
      const matched =
        isSaturated || !Number.isFinite(pattern.maxLength) || pattern.definition.anchors === undefined
          ? pattern.expression.exec(text)?.[0]
          : matchInWindows(pattern, text, hits, hitCount, index);
      if (matched !== undefined) matches.push({ pattern, matched });
    }
    return matches;
  }
}

/** Most anchor hits recorded per view; past it, patterns scan the whole text (hostile input). */
const maxRecordedHits = 4096;

/** Where the anchor scanner found anchors: start, length and anchor number of each hit. */
interface AnchorHits {
  readonly starts: Int32Array;
  readonly lengths: Int32Array;
  readonly anchorIds: Int32Array;
}

/** Reused for every view (matching is synchronous and never re-entered). */
const hitBuffers: AnchorHits = {
  starts: new Int32Array(maxRecordedHits),
  lengths: new Int32Array(maxRecordedHits),
  anchorIds: new Int32Array(maxRecordedHits),
};

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
  const { maxLength, margin, windowExpression } = pattern;
  const length = text.length;
  const row = pattern.index * index.anchorCount;
  let windowStart = -1;
  let windowEnd = -1;
  for (let hit = 0; hit <= hitCount; hit += 1) {
    let start = 0;
    let end = 0;
    if (hit < hitCount) {
      if (index.triggers[row + (hits.anchorIds[hit] ?? 0)] !== 1) continue;
      const hitStart = hits.starts[hit] ?? 0;
      start = Math.max(0, hitStart - maxLength - margin);
      end = Math.min(length, hitStart + (hits.lengths[hit] ?? 0) + maxLength + margin);
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
    if (acceptStart <= acceptEnd) {
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
