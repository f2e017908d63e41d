import { measureExpression } from './expression-bounds.js';
import { type MatchingViews } from './matching-views.js';
import { type PatternView, type SanitizerPattern } from './sanitizer-types.js';

/** A pattern prepared for matching: flags stripped of `g`/`y` so it keeps no state between calls. */
export interface CompiledPattern {
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
  /** One expression matching any anchor, longest first. */
  readonly anchorScanner: RegExp | undefined;
  /** Anchor → patterns to run when it (or an anchor containing it) occurs. */
  readonly candidatesByAnchor: ReadonlyMap<string, readonly CompiledPattern[]>;
  /** Scanners without some anchors, for hostile repetition. */
  readonly reducedScanners: Map<string, RegExp | undefined>;
}

const escapeExpression = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');

function indexView(patterns: readonly CompiledPattern[]): ViewIndex {
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
  return {
    unanchored,
    anchorScanner: buildScanner(anchors),
    candidatesByAnchor,
    reducedScanners: new Map(),
  };
}

/** Repeated hits of anchors already seen before the scanner drops them. */
const maxRepeatedHits = 256;

function buildScanner(anchors: readonly string[]): RegExp | undefined {
  const sorted = [...anchors].sort((left, right) => right.length - left.length);
  return sorted.length === 0 ? undefined : new RegExp(sorted.map(escapeExpression).join('|'), 'g');
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

  constructor(patterns: readonly SanitizerPattern[]) {
    const compiled = patterns.map((definition): CompiledPattern => {
      const flags = definition.pattern.flags.replace(/[gy]/g, '');
      const bounds = measureExpression(definition.pattern);
      return {
        definition,
        expression: new RegExp(definition.pattern.source, flags),
        windowExpression: new RegExp(definition.pattern.source, `${flags}g`),
        maxLength: bounds.maxLength,
        margin: bounds.context + 1,
      };
    });
    this.views = {
      words: indexView(compiled.filter((pattern) => (pattern.definition.view ?? 'words') === 'words')),
      symbols: indexView(compiled.filter((pattern) => pattern.definition.view === 'symbols')),
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
    const candidates = new Set<CompiledPattern>(index.unanchored);
    const hits: AnchorHit[] = [];
    let isSaturated = false;
    let scanner = index.anchorScanner;
    if (scanner !== undefined && text.length > 0) {
      const seen = new Set<string>();
      let repeatedHits = 0;
      scanner.lastIndex = 0;
      let found = scanner.exec(text);
      while (found !== null) {
        const anchor = found[0];
        const next = found.index + 1;
        hits.push({ anchor, start: found.index });
        if (seen.has(anchor)) repeatedHits += 1;
        else {
          seen.add(anchor);
          for (const pattern of index.candidatesByAnchor.get(anchor) ?? []) candidates.add(pattern);
        }
        if (repeatedHits > maxRepeatedHits) {
          // Hostile repetition ("::::", "----"): continue with a scanner for the anchors not seen yet.
          // Later hits of the anchors seen are no longer recorded, so every pattern scans the whole text.
          isSaturated = true;
          scanner = scannerWithout(index, seen);
          repeatedHits = 0;
          if (scanner === undefined) break;
        }
        scanner.lastIndex = next;
        found = scanner.exec(text);
      }
    }
    const matches: PatternMatch[] = [];
    for (const pattern of candidates) {
      const matched =
        isSaturated || !Number.isFinite(pattern.maxLength) || pattern.definition.anchors === undefined
          ? pattern.expression.exec(text)?.[0]
          : matchInWindows(pattern, text, hits, index.candidatesByAnchor);
      if (matched !== undefined) matches.push({ pattern, matched });
    }
    return matches;
  }
}

/** Where the anchor scanner found an anchor. */
interface AnchorHit {
  readonly anchor: string;
  readonly start: number;
}

/**
 * Runs a bounded pattern only in windows around the hits of its anchors. Every match contains an
 * anchor and is at most `maxLength` long, so it starts within `maxLength` before a hit; a window adds
 * `margin` on each side for look-arounds and word boundaries, and only matches starting where the
 * window sees everything the expression can read are accepted. So the first accepted match is the
 * whole-text match (the same leftmost match), found without scanning the rest of the text.
 */
export function matchInWindows(
  pattern: CompiledPattern,
  text: string,
  hits: readonly AnchorHit[],
  candidatesByAnchor: ReadonlyMap<string, readonly CompiledPattern[]>,
): string | undefined {
  const { maxLength, margin, windowExpression } = pattern;
  const length = text.length;
  let windowStart = -1;
  let windowEnd = -1;
  for (let index = 0; index <= hits.length; index += 1) {
    const hit = hits[index];
    if (hit !== undefined) {
      if (!(candidatesByAnchor.get(hit.anchor) ?? []).includes(pattern)) continue;
      const start = Math.max(0, hit.start - maxLength - margin);
      const end = Math.min(length, hit.start + hit.anchor.length + maxLength + margin);
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
    if (hit === undefined) return undefined;
    windowStart = Math.max(0, hit.start - maxLength - margin);
    windowEnd = Math.min(length, hit.start + hit.anchor.length + maxLength + margin);
  }
  return undefined;
}
