import { type ExpressionNode, type ParsedExpression, readExpression } from './expression-syntax.js';

/** How far a regular expression can reach from where a match starts. */
export interface ExpressionBounds {
  /** Longest possible match, in UTF-16 code units; `Infinity` when unbounded or not understood. */
  readonly maxLength: number;
  /**
   * How many code units around a match the expression may read without consuming them (look-arounds,
   * `\b`, `^`, `$`): the margin a window needs on each side. `Infinity` when not understood.
   */
  readonly context: number;
}

const unbounded: ExpressionBounds = {
  maxLength: Number.POSITIVE_INFINITY,
  context: Number.POSITIVE_INFINITY,
};

interface Reach {
  /** Longest match of the node. */
  readonly maxLength: number;
  /** Code units the node reads around what it consumes. */
  readonly context: number;
}

function measure(node: ExpressionNode): Reach {
  switch (node.kind) {
    case 'literal':
    case 'class':
      return { maxLength: node.units, context: 0 };
    case 'assertion':
      return { maxLength: 0, context: 1 };
    case 'lookaround': {
      // A look-around reads up to its own length, plus what it reads around itself, past the match.
      const body = measure(node.body);
      return { maxLength: 0, context: body.maxLength + Math.max(1, body.context) };
    }
    case 'sequence':
    case 'alternation': {
      const parts = (node.kind === 'sequence' ? node.items : node.alternatives).map(measure);
      const lengths = parts.map((part) => part.maxLength);
      return {
        maxLength:
          node.kind === 'sequence'
            ? lengths.reduce((sum, length) => sum + length, 0)
            : Math.max(0, ...lengths),
        context: Math.max(0, ...parts.map((part) => part.context)),
      };
    }
    case 'repeat': {
      const body = measure(node.body);
      return { maxLength: body.maxLength * node.max, context: body.context };
    }
  }
}

/**
 * Measures how long a match of `expression` can be and how much context around it the expression
 * reads. Used to run a pattern only in windows around its anchors; an expression it cannot bound
 * (unbounded quantifiers, back-references, unfamiliar syntax) gets `Infinity` and runs on the whole
 * text.
 *
 * @example
 * ```ts
 * measureExpression(/\bignore(?: all)? rules/); // { maxLength: 16, context: 1 }
 * ```
 */
export function measureExpression(expression: RegExp): ExpressionBounds {
  return boundsOf(readExpression(expression));
}

/** {@link measureExpression} of an expression read already (`undefined`: not understood). */
export function boundsOf(parsed: ParsedExpression | undefined): ExpressionBounds {
  if (parsed === undefined) return unbounded;
  const reach = measure(parsed.tree);
  return Number.isFinite(reach.maxLength) ? reach : unbounded;
}
