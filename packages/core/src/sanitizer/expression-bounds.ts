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

/** Thrown inside the parser for syntax it does not measure; the caller answers `unbounded`. */
class UnmeasurableError extends Error {}

const quantifierExpression = /^\{(\d+)(?:(,)(\d*))?\}/;

/**
 * A small recursive-descent reader of JavaScript regular expression syntax that adds up the longest
 * match. It understands what the built-in patterns use (groups, classes, escapes, bounded
 * quantifiers, look-arounds, anchors) and answers `Infinity` for anything else (`*`, `+`, `{n,}`,
 * back-references, the `v` flag, modifiers), so an answer is always an upper bound.
 */
class BoundsReader {
  private index = 0;
  private context = 0;

  constructor(
    private readonly source: string,
    /** Code units one atom can consume: 2 under the `u` flag (astral characters), else 1. */
    private readonly unitsPerAtom: number,
  ) {}

  read(): ExpressionBounds {
    const maxLength = this.alternation();
    if (this.index !== this.source.length) throw new UnmeasurableError('unbalanced parenthesis');
    return { maxLength, context: this.context };
  }

  private alternation(): number {
    let longest = this.sequence();
    while (this.source[this.index] === '|') {
      this.index += 1;
      longest = Math.max(longest, this.sequence());
    }
    return longest;
  }

  private sequence(): number {
    let total = 0;
    while (this.index < this.source.length) {
      const character = this.source[this.index];
      if (character === '|' || character === ')') break;
      total += this.quantified(this.atom());
    }
    return total;
  }

  private quantified(atomLength: number): number {
    const character = this.source[this.index];
    let times = 1;
    if (character === '*' || character === '+') throw new UnmeasurableError('unbounded quantifier');
    if (character === '?') {
      this.index += 1;
    } else if (character === '{') {
      const found = quantifierExpression.exec(this.source.slice(this.index, this.index + 24));
      if (found === null) return atomLength; // a literal '{' (it was consumed as an atom already)
      if (found[2] !== undefined && (found[3] === undefined || found[3] === '')) {
        throw new UnmeasurableError('unbounded quantifier');
      }
      times = Number(found[3] ?? found[1]);
      this.index += found[0].length;
    } else return atomLength;
    if (this.source[this.index] === '?') this.index += 1; // lazy
    return atomLength * times;
  }

  private atom(): number {
    const character = this.source[this.index];
    this.index += 1;
    switch (character) {
      case '(':
        return this.group();
      case '[':
        this.skipClass();
        return this.unitsPerAtom;
      case '\\':
        return this.escape();
      case '^':
      case '$':
        this.context = Math.max(this.context, 1);
        return 0;
      case '*':
      case '+':
      case '?':
        throw new UnmeasurableError('nothing to repeat');
      default:
        return this.unitsPerAtom;
    }
  }

  private group(): number {
    const rest = this.source.slice(this.index, this.index + 3);
    let isLookaround = false;
    if (rest.startsWith('?:')) this.index += 2;
    else if (rest.startsWith('?=') || rest.startsWith('?!')) {
      this.index += 2;
      isLookaround = true;
    } else if (rest.startsWith('?<=') || rest.startsWith('?<!')) {
      this.index += 3;
      isLookaround = true;
    } else if (rest.startsWith('?<')) {
      const close = this.source.indexOf('>', this.index);
      if (close < 0) throw new UnmeasurableError('unterminated group name');
      this.index = close + 1;
    } else if (rest.startsWith('?')) throw new UnmeasurableError('unknown group');
    const outerContext = this.context;
    if (isLookaround) this.context = 0;
    const length = this.alternation();
    if (this.source[this.index] !== ')') throw new UnmeasurableError('unterminated group');
    this.index += 1;
    if (!isLookaround) return length;
    // A look-around reads up to its own length, plus what it reads around itself, past the match.
    this.context = Math.max(outerContext, length + Math.max(1, this.context));
    return 0;
  }

  private skipClass(): void {
    while (this.index < this.source.length) {
      const character = this.source[this.index];
      if (character === '\\') this.index += 2;
      else if (character === ']') {
        this.index += 1;
        return;
      } else this.index += 1;
    }
    throw new UnmeasurableError('unterminated class');
  }

  private escape(): number {
    const character = this.source[this.index];
    if (character === undefined) throw new UnmeasurableError('trailing backslash');
    this.index += 1;
    if (character === 'b' || character === 'B') {
      this.context = Math.max(this.context, 1);
      return 0;
    }
    if ((character >= '1' && character <= '9') || character === 'k') {
      throw new UnmeasurableError('back-reference');
    }
    if (character === 'u' && this.source[this.index] === '{') {
      const close = this.source.indexOf('}', this.index);
      if (close < 0) throw new UnmeasurableError('unterminated escape');
      this.index = close + 1;
      return 2;
    }
    if ((character === 'p' || character === 'P') && this.source[this.index] === '{') {
      const close = this.source.indexOf('}', this.index);
      if (close < 0) throw new UnmeasurableError('unterminated escape');
      this.index = close + 1;
    }
    // \uXXXX, \xXX and \cX consume one character; their digits are skipped as literal atoms would be.
    if (character === 'u') this.index += Math.min(4, countHex(this.source, this.index, 4));
    else if (character === 'x') this.index += Math.min(2, countHex(this.source, this.index, 2));
    else if (character === 'c') this.index += 1;
    return this.unitsPerAtom;
  }
}

function countHex(source: string, start: number, limit: number): number {
  let count = 0;
  while (count < limit && /[0-9a-fA-F]/.test(source[start + count] ?? '')) count += 1;
  return count;
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
  if (expression.flags.includes('v')) return unbounded;
  const unitsPerAtom = expression.flags.includes('u') ? 2 : 1;
  try {
    return new BoundsReader(expression.source, unitsPerAtom).read();
  } catch (error) {
    if (error instanceof UnmeasurableError) return unbounded;
    throw error;
  }
}
