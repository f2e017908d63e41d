import { type ExpressionNode, type ParsedExpression, readExpression } from './expression-syntax.js';

/** Largest set of strings tracked for one node before it is given up as "not known". */
const maxStrings = 64;

const emptyString: ReadonlySet<string> = new Set(['']);

function concatenate(left: ReadonlySet<string>, right: ReadonlySet<string>): Set<string> | undefined {
  if (left.size * right.size > maxStrings) return undefined;
  const product = new Set<string>();
  for (const head of left) for (const tail of right) product.add(head + tail);
  return product;
}

function union(sets: readonly (ReadonlySet<string> | undefined)[]): ReadonlySet<string> | undefined {
  const all = new Set<string>();
  for (const set of sets) {
    if (set === undefined) return undefined;
    for (const value of set) all.add(value);
  }
  return all.size > maxStrings ? undefined : all;
}

/** Every string `node` can match is one of these (a superset), or undefined when not known. */
function stringsOf(node: ExpressionNode): ReadonlySet<string> | undefined {
  switch (node.kind) {
    case 'literal':
      return new Set([node.value]);
    case 'class':
      return undefined;
    case 'assertion':
    case 'lookaround':
      // Consume nothing: what they read is not part of the match.
      return emptyString;
    case 'sequence': {
      let strings: ReadonlySet<string> | undefined = emptyString;
      for (const item of node.items) {
        const next = stringsOf(item);
        strings = next === undefined || strings === undefined ? undefined : concatenate(strings, next);
        if (strings === undefined) return undefined;
      }
      return strings;
    }
    case 'alternation':
      return union(node.alternatives.map(stringsOf));
    case 'repeat': {
      if (node.max > 1) return undefined;
      const body = stringsOf(node.body);
      if (node.max === 0) return emptyString;
      return node.min === 1 ? body : union([emptyString, body]);
    }
  }
}

/** Strings every match of `node` starts with (a superset), or undefined when not known. */
function prefixesOf(node: ExpressionNode): ReadonlySet<string> | undefined {
  if (node.kind === 'alternation') return union(node.alternatives.map(prefixesOf));
  if (node.kind === 'repeat' && node.min > 0) return stringsOf(node) ?? prefixesOf(node.body);
  if (node.kind !== 'sequence') return stringsOf(node);
  let known: ReadonlySet<string> = emptyString;
  for (const item of node.items) {
    const strings = stringsOf(item);
    const joined = strings === undefined ? undefined : concatenate(known, strings);
    if (joined !== undefined) {
      known = joined;
      continue;
    }
    // The match goes on with this item: it starts with what is known so far, then the item's start.
    const next = prefixesOf(item);
    return (next === undefined ? undefined : concatenate(known, next)) ?? known;
  }
  return known;
}

/**
 * How far before an occurrence of one of `anchors` every match of `expression` starts: the least
 * `lead` such that each match has one of the anchors at one of its first `lead + 1` positions;
 * undefined when that is not known or exceeds `maxLead`. A searcher can then try the expression
 * only at those few positions before each anchor it finds.
 *
 * @example
 * ```ts
 * anchorLead(/(?:^| )(?:ignore|forget) (?:all )?rules/, ['ignor', 'forget'], 3); // 1
 * ```
 */
export function anchorLead(
  expression: RegExp,
  anchors: readonly string[],
  maxLead: number,
): number | undefined {
  return leadOf(readExpression(expression), anchors, maxLead);
}

/** {@link anchorLead} of an expression read already (`undefined`: not understood). */
export function leadOf(
  parsed: ParsedExpression | undefined,
  anchors: readonly string[],
  maxLead: number,
): number | undefined {
  // Under `i` the text need not contain the anchors as written.
  if (parsed === undefined || parsed.flags.includes('i') || anchors.length === 0) return undefined;
  const prefixes = prefixesOf(parsed.tree);
  if (prefixes === undefined) return undefined;
  let lead = 0;
  for (const prefix of prefixes) {
    let offset = 0;
    while (offset <= maxLead && !anchors.some((anchor) => prefix.startsWith(anchor, offset))) offset += 1;
    if (offset > maxLead) return undefined;
    lead = Math.max(lead, offset);
  }
  return lead;
}

/** How a match of a node can begin. */
interface Opening {
  /** It can begin with a space. */
  readonly space: boolean;
  /** It can begin with anything else (or it is not known). */
  readonly other: boolean;
  /** It can match nothing, so what follows it decides. */
  readonly empty: boolean;
}

const opensWithAnything: Opening = { space: false, other: true, empty: false };
/** `^` without the `m` flag: a match through it starts at the start of the text, whatever follows. */
const opensAtTextStart: Opening = { space: false, other: false, empty: false };

function openingOf(node: ExpressionNode, isMultiline: boolean): Opening {
  switch (node.kind) {
    case 'literal':
      return { space: node.value.startsWith(' '), other: !node.value.startsWith(' '), empty: false };
    case 'class':
      return opensWithAnything;
    case 'assertion':
      if (node.which === '^') return isMultiline ? opensWithAnything : opensAtTextStart;
      return { space: false, other: false, empty: true };
    case 'lookaround':
      return { space: false, other: false, empty: true };
    case 'alternation':
    case 'sequence': {
      const isSequence = node.kind === 'sequence';
      let space = false;
      let other = false;
      let empty = isSequence;
      for (const part of isSequence ? node.items : node.alternatives) {
        const opening = openingOf(part, isMultiline);
        space ||= opening.space;
        other ||= opening.other;
        if (!isSequence) empty ||= opening.empty;
        else if (!opening.empty) {
          empty = false;
          break;
        }
      }
      return { space, other, empty };
    }
    case 'repeat': {
      if (node.max === 0) return { space: false, other: false, empty: true };
      const body = openingOf(node.body, isMultiline);
      return node.min === 0 ? { ...body, empty: true } : body;
    }
  }
}

/**
 * Whether every match of `expression` starts at the start of the text or with a space (as the
 * `(?:^| )…` word patterns do), so a searcher need not try it anywhere else.
 *
 * @example
 * ```ts
 * startsAtTextStartOrSpace(/(?:^| )ignore/); // true
 * startsAtTextStartOrSpace(/\bignore/); // false
 * ```
 */
export function startsAtTextStartOrSpace(expression: RegExp): boolean {
  return opensAtTextStartOrSpace(readExpression(expression));
}

/** {@link startsAtTextStartOrSpace} of an expression read already (`undefined`: not understood). */
export function opensAtTextStartOrSpace(parsed: ParsedExpression | undefined): boolean {
  if (parsed === undefined) return false;
  const opening = openingOf(parsed.tree, parsed.flags.includes('m'));
  return !opening.other && !opening.empty;
}
