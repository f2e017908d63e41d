/**
 * A Postgres array literal of `values` for a `text[]` parameter: every element double-quoted, with
 * `\` and `"` escaped, so commas, braces, spaces and the word NULL stay plain text (what `pg` sends
 * for a JS array of strings).
 *
 * @example
 * ```ts
 * textArrayLiteral(['a', 'b"c']); // '{"a","b\\"c"}'
 * ```
 */
export function textArrayLiteral(values: readonly string[]): string {
  let literal = '{';
  for (let index = 0; index < values.length; index += 1) {
    if (index > 0) literal += ',';
    literal += `"${(values[index] as string).replace(/[\\"]/g, '\\$&')}"`;
  }
  return `${literal}}`;
}

/**
 * A Postgres array literal of finite `values` for a `float8[]` parameter (JS number text, which
 * `float8` reads back exactly).
 *
 * @example
 * ```ts
 * numberArrayLiteral([1, 2.5]); // '{1,2.5}'
 * ```
 */
export function numberArrayLiteral(values: readonly number[]): string {
  return `{${values.join(',')}}`;
}
