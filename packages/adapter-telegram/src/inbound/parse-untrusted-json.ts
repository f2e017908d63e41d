/** Limits of {@link parseUntrustedJson}. */
export interface UntrustedJsonLimits {
  /** Deepest nesting of arrays and objects. Default 64. */
  maxDepth?: number;
  /** Most object keys in the whole document. Default 10,000. */
  maxKeys?: number;
}

/** The outcome of {@link parseUntrustedJson}: the value, or a short reason it was refused. */
export type UntrustedJsonResult =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;
const quote = 0x22;
const backslash = 0x5c;
const colon = 0x3a;

/** Counts `char` in `text` with `indexOf` (vectorised), stopping once it passes `limit`. */
function countUpTo(text: string, char: string, limit: number): number {
  let count = 0;
  for (let index = text.indexOf(char); index !== -1 && count <= limit; index = text.indexOf(char, index + 1))
    count += 1;
  return count;
}

/**
 * Whether the text cannot break the limits whatever its structure: fewer brackets than `maxDepth`
 * and fewer colons than `maxKeys` anywhere (strings included). True for nearly every real update,
 * which then skips the character-by-character scan.
 */
function isTriviallyWithin(text: string, maxDepth: number, maxKeys: number): boolean {
  const brackets = countUpTo(text, '{', maxDepth);
  return (
    brackets <= maxDepth &&
    brackets + countUpTo(text, '[', maxDepth - brackets) <= maxDepth &&
    countUpTo(text, ':', maxKeys) <= maxKeys
  );
}

/** One linear pass over the text, outside strings: nesting depth and key count, before any parsing. */
function scan(text: string, maxDepth: number, maxKeys: number): string | undefined {
  let depth = 0;
  let keys = 0;
  let inString = false;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === backslash) index += 1;
      else if (code === quote) inString = false;
      continue;
    }
    if (code === quote) inString = true;
    else if (code === openBrace || code === openBracket) {
      depth += 1;
      if (depth > maxDepth) return 'nested too deeply';
    } else if (code === closeBrace || code === closeBracket) depth -= 1;
    else if (code === colon) {
      keys += 1;
      if (keys > maxKeys) return 'too many keys';
    }
  }
  return undefined;
}

const hasSurrogate = /[\uD800-\uDFFF]/;
const hasLoneSurrogate = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Walks the parsed value (depth already bounded) looking for prototype keys and lone surrogates. */
function inspect(root: unknown): string | undefined {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (hasLoneSurrogate.test(value)) return 'lone surrogate in a string';
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (const item of value) stack.push(item);
      continue;
    }
    for (const key of Object.keys(value)) {
      if (key === '__proto__') return 'forbidden key "__proto__"';
      if (hasLoneSurrogate.test(key)) return 'lone surrogate in a key';
      const item = (value as Record<string, unknown>)[key];
      if (
        key === 'constructor' &&
        typeof item === 'object' &&
        item !== null &&
        Object.hasOwn(item, 'prototype')
      ) {
        return 'forbidden key "constructor.prototype"';
      }
      stack.push(item);
    }
  }
  return undefined;
}

/**
 * Parses JSON from an untrusted source: refuses excessive nesting and key counts before parsing,
 * then refuses `__proto__` and `constructor.prototype` keys anywhere and lone UTF-16 surrogates in
 * strings (written as `\ud800` escapes). Never throws.
 *
 * @example
 * ```ts
 * const result = parseUntrustedJson('{"__proto__":{"polluted":1}}');
 * // { ok: false, reason: 'forbidden key "__proto__"' }
 * ```
 */
export function parseUntrustedJson(text: string, limits: UntrustedJsonLimits = {}): UntrustedJsonResult {
  const maxDepth = limits.maxDepth ?? 64;
  const maxKeys = limits.maxKeys ?? 10_000;
  const refused = isTriviallyWithin(text, maxDepth, maxKeys) ? undefined : scan(text, maxDepth, maxKeys);
  if (refused !== undefined) return { ok: false, reason: refused };
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    return { ok: false, reason: 'malformed JSON' };
  }
  // Prototype keys and lone surrogates can only come from these spellings; most bodies skip the walk.
  const needsWalk =
    text.includes('\\u') ||
    text.includes('__proto__') ||
    text.includes('constructor') ||
    (hasSurrogate.test(text) && hasLoneSurrogate.test(text));
  const problem = needsWalk ? inspect(value) : undefined;
  return problem === undefined ? { ok: true, value } : { ok: false, reason: problem };
}
