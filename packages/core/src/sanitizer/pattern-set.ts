import { type MatchingViews } from './matching-views.js';
import { type PatternView, type SanitizerPattern } from './sanitizer-types.js';

/** A pattern prepared for matching: flags stripped of `g`/`y` so it keeps no state between calls. */
export interface CompiledPattern {
  readonly definition: SanitizerPattern;
  readonly expression: RegExp;
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
    const compiled = patterns.map((definition) => ({
      definition,
      expression: new RegExp(definition.pattern.source, definition.pattern.flags.replace(/[gy]/g, '')),
    }));
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
    let scanner = index.anchorScanner;
    if (scanner !== undefined && text.length > 0) {
      const seen = new Set<string>();
      let repeatedHits = 0;
      scanner.lastIndex = 0;
      let found = scanner.exec(text);
      while (found !== null) {
        const anchor = found[0];
        const next = found.index + 1;
        if (seen.has(anchor)) repeatedHits += 1;
        else {
          seen.add(anchor);
          for (const pattern of index.candidatesByAnchor.get(anchor) ?? []) candidates.add(pattern);
        }
        if (repeatedHits > maxRepeatedHits) {
          // Hostile repetition ("::::", "----"): continue with a scanner for the anchors not seen yet.
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
      const found = pattern.expression.exec(text);
      if (found !== null) matches.push({ pattern, matched: found[0] });
    }
    return matches;
  }
}
