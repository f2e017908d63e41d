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
  const anchorScanner =
    anchors.length === 0 ? undefined : new RegExp(anchors.map(escapeExpression).join('|'), 'g');
  return { unanchored, anchorScanner, candidatesByAnchor };
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
    const scanner = index.anchorScanner;
    if (scanner !== undefined && text.length > 0) {
      scanner.lastIndex = 0;
      let found = scanner.exec(text);
      while (found !== null) {
        for (const pattern of index.candidatesByAnchor.get(found[0]) ?? []) candidates.add(pattern);
        scanner.lastIndex = found.index + 1;
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
