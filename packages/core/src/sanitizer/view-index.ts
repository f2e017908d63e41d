import { AnchorScanner } from './anchor-scanner.js';
import { type CompiledPattern } from './compiled-pattern.js';
import { OpeningHits } from './opening-hits.js';

/** No groups of required literals. */
export const noGroups = new Int32Array(0);

/** A view's patterns indexed by anchor, with scratch state for one match. */
export interface ViewIndex {
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
  /**
   * By anchor number: the indexes of the patterns that run around hits and whose windows its hits
   * open (`opensWindow`), to list each pattern's own hits while the view is scanned.
   */
  readonly openersByAnchor: readonly Int32Array[];
  /** Scratch: each pattern's window-opening hits in the current view. */
  readonly openings: OpeningHits;
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

/** Indexes the patterns of one view (`patternCount`: the size of the whole set, for flag rows). */
export function indexView(patterns: readonly CompiledPattern[], patternCount: number): ViewIndex {
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
  const openersByAnchor: Int32Array[] = [];
  anchors.forEach((anchor, id) => {
    const candidates = new Set<CompiledPattern>();
    const openers = new Set<number>();
    for (const [other, list] of byAnchor) {
      if (!anchor.includes(other)) continue;
      for (const pattern of list) {
        candidates.add(pattern);
        if (anchor.startsWith(other)) {
          opensWindow[pattern.index * anchorCount + id] = 1;
          if (pattern.runsAroundHits) openers.add(pattern.index);
        }
      }
    }
    candidatesByAnchor.push([...candidates]);
    openersByAnchor.push(Int32Array.from(openers));
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
    openersByAnchor,
    openings: new OpeningHits(patternCount),
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
