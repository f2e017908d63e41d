import { codeUnitsOf, textOfCodeUnits } from './code-units.js';
import { roleTagExpression, roleTagMatchingText } from './role-tags.js';

/**
 * Code unit → its replacement, 0 where there is none: the characters role tags and delimiters are
 * made of, swapped for look-alikes. Each replacement is stable under NFKC and not folded back by the
 * sanitizer, so a neutralized tag stays readable as data but no longer parses as a tag.
 */
const replacementUnits = new Uint16Array(0x10000);
for (const [from, to] of [
  ['<', '\u2039'],
  ['>', '\u203a'],
  ['|', '\u00a6'],
  ['[', '\u2045'],
  [']', '\u2046'],
  ['#', '\u266f'],
  [':', '\ua789'],
  ['"', '\u201d'],
  ["'", '\u02bc'],
  ['`', '\u02cb'],
  ['-', '\u2010'],
  ['=', '\ua78a'],
  ['*', '\u2217'],
  ['~', '\u223c'],
] as const) {
  replacementUnits[from.charCodeAt(0)] = to.charCodeAt(0);
}

const maxPasses = 4;

function replaceRange(units: Uint16Array, start: number, end: number): void {
  for (let index = start; index < end; index += 1) {
    const replacement = replacementUnits[units[index] ?? 0] ?? 0;
    if (replacement !== 0) units[index] = replacement;
  }
}

function replaceAllDelimiters(text: string): string {
  const units = codeUnitsOf(text);
  replaceRange(units, 0, text.length);
  return textOfCodeUnits(units, text.length);
}

/**
 * Breaks every role tag and delimiter in NFKC text by swapping its punctuation for look-alikes:
 * `<|im_start|>` becomes `‹¦im_start¦›`, `### system` becomes `♯♯♯ system`. Letters are untouched and
 * the length (in code units) is kept. `knownSymbols`, when given, is the symbols view of `nfkcText`
 * (built for matching already), used instead of building the matching text again.
 */
export function neutralizeRoleTags(nfkcText: string, knownSymbols?: string): string {
  let text = nfkcText;
  for (let pass = 0; pass < maxPasses; pass += 1) {
    // The symbols view (lower case, look-alikes folded) is the matching text when lower-casing kept
    // the length, which is when the two have the same length.
    const matchingText =
      pass === 0 && knownSymbols !== undefined && knownSymbols.length === text.length
        ? knownSymbols
        : roleTagMatchingText(text);
    if (matchingText.length !== text.length) return replaceAllDelimiters(text);
    roleTagExpression.lastIndex = 0;
    let found = roleTagExpression.exec(matchingText);
    if (found === null) return text;
    // Nothing below reads code units of another text before the replaced ones are decoded.
    const units = codeUnitsOf(text);
    while (found !== null) {
      replaceRange(units, found.index, found.index + found[0].length);
      if (found[0].length === 0) roleTagExpression.lastIndex += 1;
      found = roleTagExpression.exec(matchingText);
    }
    roleTagExpression.lastIndex = 0;
    text = textOfCodeUnits(units, text.length);
  }
  // Still something after several passes: break every delimiter character.
  return replaceAllDelimiters(text);
}
