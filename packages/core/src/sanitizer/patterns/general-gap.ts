/**
 * General patterns: a manipulation verb and a model-internal target a few words apart, rather than
 * fixed phrases, so paraphrases ("put your earlier directions on hold", "відклади свої попередні
 * вказівки") match too. Each weighs 0.5 or less: alone it makes a message `'suspicious'`, never an
 * `'injection'`; two of them, or one with a specific pattern, do. Gaps are bounded (`{0,4}` words of
 * at most 20 characters), so every pattern stays linear-time.
 */

/**
 * Up to `count` more words between two parts of a match (words view: words joined by one space).
 *
 * @example
 * ```ts
 * new RegExp(`ignore${gap(2)} rules`).test('ignore all the rules'); // true
 * ```
 */
export const gap = (count: number): string => `(?: [^ ]{1,20}){0,${count}}`;
