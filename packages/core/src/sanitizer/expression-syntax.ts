/**
 * A small syntax tree of JavaScript regular expressions: what the sanitizer's analyses
 * ({@link measureExpression}, {@link requiredLiterals}) need to know about a pattern, and no more.
 */
export type ExpressionNode =
  /**
   * One literal character: `value` is its code units; `units` how many it can consume (2 under the
   * `u` flag, where case folding can reach astral characters, as a safe upper bound).
   */
  | { readonly kind: 'literal'; readonly value: string; readonly units: number }
  /** Any one character of a set: `[…]`, `.`, `\d`, `\p{…}`; `units` it can consume. */
  | { readonly kind: 'class'; readonly units: number }
  /** `^`, `$`, `\b`, `\B`: consumes nothing, reads one character around. */
  | { readonly kind: 'assertion'; readonly which: '^' | '$' | 'b' | 'B' }
  /** `(?=…)`, `(?!…)`, `(?<=…)`, `(?<!…)`: consumes nothing, reads its body around. */
  | { readonly kind: 'lookaround'; readonly body: ExpressionNode }
  | { readonly kind: 'sequence'; readonly items: readonly ExpressionNode[] }
  | { readonly kind: 'alternation'; readonly alternatives: readonly ExpressionNode[] }
  /** A quantified atom; `max` is `Infinity` for `*`, `+` and `{n,}`. */
  | { readonly kind: 'repeat'; readonly body: ExpressionNode; readonly min: number; readonly max: number };

/** Thrown for syntax the reader does not understand (back-references, modifiers, the `v` flag). */
export class UnsupportedSyntaxError extends Error {}

const quantifierExpression = /^\{(\d+)(?:(,)(\d*))?\}/;

const controlEscapes: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  f: '\f',
  v: '\v',
  '0': '\0',
};

/** Recursive-descent reader of a regular expression source into an {@link ExpressionNode}. */
class ExpressionReader {
  private index = 0;

  constructor(
    private readonly source: string,
    /** Code units one class atom can consume: 2 under the `u` flag (astral characters), else 1. */
    private readonly unitsPerAtom: number,
  ) {}

  read(): ExpressionNode {
    const node = this.alternation();
    if (this.index !== this.source.length) throw new UnsupportedSyntaxError('unbalanced parenthesis');
    return node;
  }

  private alternation(): ExpressionNode {
    const alternatives = [this.sequence()];
    while (this.source[this.index] === '|') {
      this.index += 1;
      alternatives.push(this.sequence());
    }
    return alternatives.length === 1
      ? (alternatives[0] as ExpressionNode)
      : { kind: 'alternation', alternatives };
  }

  private sequence(): ExpressionNode {
    const items: ExpressionNode[] = [];
    while (this.index < this.source.length) {
      const character = this.source[this.index];
      if (character === '|' || character === ')') break;
      items.push(this.quantified(this.atom()));
    }
    return items.length === 1 ? (items[0] as ExpressionNode) : { kind: 'sequence', items };
  }

  private quantified(body: ExpressionNode): ExpressionNode {
    const character = this.source[this.index];
    let min: number;
    let max: number;
    if (character === '*' || character === '+' || character === '?') {
      this.index += 1;
      min = character === '+' ? 1 : 0;
      max = character === '?' ? 1 : Number.POSITIVE_INFINITY;
    } else if (character === '{') {
      const found = quantifierExpression.exec(this.source.slice(this.index, this.index + 24));
      if (found === null) return body; // a literal '{' (it was read as an atom already)
      min = Number(found[1]);
      max = found[2] === undefined ? min : found[3] === '' ? Number.POSITIVE_INFINITY : Number(found[3]);
      this.index += found[0].length;
    } else return body;
    if (this.source[this.index] === '?') this.index += 1; // lazy
    return { kind: 'repeat', body, min, max };
  }

  private atom(): ExpressionNode {
    const character = this.source[this.index] ?? '';
    this.index += 1;
    switch (character) {
      case '(':
        return this.group();
      case '[':
        this.skipClass();
        return { kind: 'class', units: this.unitsPerAtom };
      case '.':
        return { kind: 'class', units: this.unitsPerAtom };
      case '\\':
        return this.escape();
      case '^':
      case '$':
        return { kind: 'assertion', which: character };
      case '*':
      case '+':
      case '?':
        throw new UnsupportedSyntaxError('nothing to repeat');
      default: {
        const code = character.charCodeAt(0);
        // Under `u` an astral character is one atom of two code units.
        if (this.unitsPerAtom === 2 && code >= 0xd800 && code <= 0xdbff && this.index < this.source.length) {
          this.index += 1;
          return this.literal(this.source.slice(this.index - 2, this.index));
        }
        return this.literal(character);
      }
    }
  }

  private literal(value: string): ExpressionNode {
    return { kind: 'literal', value, units: Math.max(value.length, this.unitsPerAtom) };
  }

  private group(): ExpressionNode {
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
      if (close < 0) throw new UnsupportedSyntaxError('unterminated group name');
      this.index = close + 1;
    } else if (rest.startsWith('?')) throw new UnsupportedSyntaxError('unknown group');
    const body = this.alternation();
    if (this.source[this.index] !== ')') throw new UnsupportedSyntaxError('unterminated group');
    this.index += 1;
    return isLookaround ? { kind: 'lookaround', body } : body;
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
    throw new UnsupportedSyntaxError('unterminated class');
  }

  private escape(): ExpressionNode {
    const character = this.source[this.index];
    if (character === undefined) throw new UnsupportedSyntaxError('trailing backslash');
    const start = this.index;
    this.index += 1;
    if (character === 'b' || character === 'B') return { kind: 'assertion', which: character };
    if ((character >= '1' && character <= '9') || character === 'k') {
      throw new UnsupportedSyntaxError('back-reference');
    }
    if ('dDwWsS'.includes(character)) return { kind: 'class', units: this.unitsPerAtom };
    const isUnicode = this.unitsPerAtom === 2;
    if (isUnicode && (character === 'p' || character === 'P') && this.source[this.index] === '{') {
      const close = this.source.indexOf('}', this.index);
      if (close < 0) throw new UnsupportedSyntaxError('unterminated escape');
      this.index = close + 1;
      return { kind: 'class', units: this.unitsPerAtom };
    }
    if (isUnicode && character === 'u' && this.source[this.index] === '{') {
      const close = this.source.indexOf('}', this.index);
      if (close < 0) throw new UnsupportedSyntaxError('unterminated escape');
      const codePoint = Number.parseInt(this.source.slice(this.index + 1, close), 16);
      this.index = close + 1;
      return Number.isFinite(codePoint) && codePoint <= 0x10ffff
        ? this.literal(String.fromCodePoint(codePoint))
        : { kind: 'class', units: 2 };
    }
    if (character === 'u' || character === 'x') {
      const digits = character === 'u' ? 4 : 2;
      const hex = this.source.slice(this.index, this.index + digits);
      if (hex.length === digits && /^[0-9a-fA-F]+$/.test(hex)) {
        this.index += digits;
        return this.literal(String.fromCharCode(Number.parseInt(hex, 16)));
      }
      return this.literal(character); // an identity escape outside `u` mode
    }
    // \cX is a control character; \0 before a digit is a legacy octal escape: not read as literals.
    if (character === 'c' || (character === '0' && /[0-9]/.test(this.source[this.index] ?? ''))) {
      if (character === 'c') this.index += 1;
      else while (/[0-7]/.test(this.source[this.index] ?? '') && this.index < start + 3) this.index += 1;
      return { kind: 'class', units: 1 };
    }
    return this.literal(controlEscapes[character] ?? character);
  }
}

/**
 * Reads a regular expression into an {@link ExpressionNode}. Throws {@link UnsupportedSyntaxError}
 * for syntax the analyses cannot reason about (back-references, unknown groups, the `v` flag).
 */
export function parseExpression(expression: RegExp): ExpressionNode {
  if (expression.flags.includes('v')) throw new UnsupportedSyntaxError('the v flag');
  return new ExpressionReader(expression.source, expression.flags.includes('u') ? 2 : 1).read();
}

/** An expression's syntax tree with the flags that change what it matches. */
export interface ParsedExpression {
  readonly tree: ExpressionNode;
  readonly flags: string;
}

/**
 * {@link parseExpression} for the analyses: undefined for syntax they cannot reason about, so each
 * answers its safe default, and one tree serves them all.
 */
export function readExpression(expression: RegExp): ParsedExpression | undefined {
  try {
    return { tree: parseExpression(expression), flags: expression.flags };
  } catch (error) {
    if (error instanceof UnsupportedSyntaxError) return undefined;
    throw error;
  }
}
