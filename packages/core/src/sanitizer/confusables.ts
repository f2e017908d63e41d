/** Latin look-alikes of Cyrillic and Greek lower-case letters (and of upper-case ones, lower-cased). */
const toLatinPairs: readonly (readonly [string, string])[] = [
  ['а', 'a'],
  ['в', 'b'],
  ['е', 'e'],
  ['ё', 'e'],
  ['є', 'e'],
  ['і', 'i'],
  ['ї', 'i'],
  ['ј', 'j'],
  ['к', 'k'],
  ['м', 'm'],
  ['н', 'h'],
  ['о', 'o'],
  ['р', 'p'],
  ['с', 'c'],
  ['т', 't'],
  ['у', 'y'],
  ['х', 'x'],
  ['ѕ', 's'],
  ['ԁ', 'd'],
  ['ԛ', 'q'],
  ['ԝ', 'w'],
  ['һ', 'h'],
  ['ӏ', 'l'],
  ['ɡ', 'g'],
  ['ı', 'i'],
  ['α', 'a'],
  ['β', 'b'],
  ['γ', 'y'],
  ['δ', 'd'],
  ['ε', 'e'],
  ['η', 'n'],
  ['ι', 'i'],
  ['κ', 'k'],
  ['ν', 'v'],
  ['ο', 'o'],
  ['ρ', 'p'],
  ['σ', 'o'],
  ['ς', 's'],
  ['τ', 't'],
  ['υ', 'u'],
  ['χ', 'x'],
  ['ω', 'w'],
  ['μ', 'u'],
  ['ϲ', 'c'],
  ['ϳ', 'j'],
];

/** Cyrillic look-alikes of Latin letters, used inside mostly-Cyrillic words. */
const toCyrillicPairs: readonly (readonly [string, string])[] = [
  ['a', 'а'],
  ['b', 'в'],
  ['c', 'с'],
  ['e', 'е'],
  ['h', 'н'],
  ['i', 'і'],
  ['k', 'к'],
  ['m', 'м'],
  ['o', 'о'],
  ['p', 'р'],
  ['t', 'т'],
  ['x', 'х'],
  ['y', 'у'],
  ['ё', 'е'],
  ['0', 'о'],
  ['1', 'і'],
  ['3', 'е'],
  ['4', 'ч'],
  ['6', 'б'],
  ['@', 'а'],
  ['α', 'а'],
  ['ο', 'о'],
  ['ε', 'е'],
  ['κ', 'к'],
  ['ρ', 'р'],
  ['τ', 'т'],
  ['χ', 'х'],
];

/** Leetspeak digits and symbols inside mostly-Latin words. */
const leetPairs: readonly (readonly [string, string])[] = [
  ['0', 'o'],
  ['1', 'i'],
  ['3', 'e'],
  ['4', 'a'],
  ['5', 's'],
  ['7', 't'],
  ['8', 'b'],
  ['9', 'g'],
  ['@', 'a'],
  ['$', 's'],
  ['!', 'i'],
  ['|', 'l'],
];

function tableOf(pairs: readonly (readonly [string, string])[]): Uint16Array {
  const table = new Uint16Array(0x500);
  for (const [from, to] of pairs) table[from.charCodeAt(0)] = to.charCodeAt(0);
  return table;
}

/** Code unit → Latin look-alike letter (0 = none), for code units below 0x500. */
export const toLatinLetter: Uint16Array = tableOf(toLatinPairs);
/** Like {@link toLatinLetter}, plus leetspeak digits and symbols. */
export const toLatinWithLeet: Uint16Array = tableOf([...toLatinPairs, ...leetPairs]);
/** Code unit → Cyrillic replacement (0 = none), for code units below 0x500. */
export const toCyrillic: Uint16Array = tableOf(toCyrillicPairs);
