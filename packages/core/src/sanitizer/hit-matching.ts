import { type CompiledPattern } from './compiled-pattern.js';
import { noGroups, type ViewIndex } from './view-index.js';

/** Whether every one of `groups` was seen in the view. */
export function everyGroupSeen(groups: Int32Array, groupSeen: Uint8Array): boolean {
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
export const maxRecordedHits = 4096;

/** Where the anchor scanner found anchors: start and anchor number of each hit. */
export interface AnchorHits {
  readonly starts: Int32Array;
  readonly anchorIds: Int32Array;
}

/** Reused for every view (matching is synchronous and never re-entered). */
export const hitBuffers: AnchorHits = {
  starts: new Int32Array(maxRecordedHits),
  anchorIds: new Int32Array(maxRecordedHits),
};

/**
 * Tries a pattern whose matches start at most `lead` code units before one of its anchors only at
 * those positions, in increasing order, on the whole text (so look-arounds see the real context).
 * Every match starts at one of them, so the first that matches is the leftmost match, the one a
 * whole-text search finds. The hits are the pattern's list in `index.openings`.
 */
export function matchBeforeHits(
  pattern: CompiledPattern,
  lead: number,
  text: string,
  index: ViewIndex,
): string | undefined {
  const { stickyExpression, startsAtSpace } = pattern;
  const { openings } = index;
  let tried = -1;
  for (let entry = openings.first(pattern.index); entry >= 0; entry = openings.next(entry)) {
    const hitStart = openings.startOf(entry);
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
 * whole-text match (the same leftmost match), found without scanning the rest of the text. Windows
 * open at the pattern's hits listed in `index.openings`; `hits` (all the view's hits) tell which
 * required literals a window holds.
 */
export function matchInWindows(
  pattern: CompiledPattern,
  text: string,
  hits: AnchorHits,
  hitCount: number,
  index: ViewIndex,
): string | undefined {
  const { maxLength, margin, windowExpression, shortestAnchor } = pattern;
  const length = text.length;
  const groups = index.groupsOfPattern[pattern.index] ?? noGroups;
  const { openings } = index;
  let entry = openings.first(pattern.index);
  let windowStart = -1;
  let windowEnd = -1;
  // The first hit at or after the current window's start (window starts only grow).
  let firstHitInWindow = 0;
  for (;;) {
    const isLast = entry < 0;
    let start = 0;
    let end = 0;
    if (!isLast) {
      const hitStart = openings.startOf(entry);
      entry = openings.next(entry);
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
    if (isLast) return undefined;
    windowStart = start;
    windowEnd = end;
  }
}
