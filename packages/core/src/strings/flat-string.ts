/**
 * `text`, stored by V8 as one flat string from now on. `JSON.stringify` and template literals often
 * answer a rope (a tree of string pieces): it keeps more memory than its text, every young-generation
 * GC copies each piece, and the first `JSON.parse` or search of it flattens it anyway (JSON.parse of
 * a rope is about 1.5 times as slow). Reading one character makes V8 flatten it once, here.
 *
 * A method call rather than `Number(text)`: the bundler's tree shaking drops a call of a known pure
 * global whose result is unused, and did, so the published build never flattened.
 */
export function flatString(text: string): string {
  text.charCodeAt(0);
  return text;
}
