/**
 * Lower-casing one UTF-16 code unit at a time by table, the way `String.prototype.toLowerCase` does
 * it for the whole string, for every code unit where the two agree.
 */

/** Code unit → its lower-case code unit, for units whose lower case is one unit and context-free. */
export const lowerCaseUnits = new Uint16Array(0x10000);
/**
 * 1 where a table look-up would differ from `toLowerCase` on the whole string: `İ` (lower case is two
 * units), `Σ` (final sigma depends on the next letters) and the high surrogates of the astral
 * planes' cased scripts (Deseret, Osage, Vithkuqi, Old Hungarian, Warang Citi, Medefaidrin, Adlam).
 */
export const lowerCaseSpecial = new Uint8Array(0x10000);

/** High surrogates of astral code points that `toLowerCase` changes (checked by a test over all planes). */
export const casedHighSurrogates: readonly number[] = [0xd801, 0xd803, 0xd806, 0xd81b, 0xd83a];

for (let code = 0; code < 0x10000; code += 1) {
  if (code >= 0xd800 && code <= 0xdfff) {
    lowerCaseUnits[code] = code;
    continue;
  }
  const lower = String.fromCharCode(code).toLowerCase();
  if (lower.length === 1 && code !== 0x3a3) lowerCaseUnits[code] = lower.charCodeAt(0);
  else {
    lowerCaseUnits[code] = code;
    lowerCaseSpecial[code] = 1;
  }
}
for (const surrogate of casedHighSurrogates) lowerCaseSpecial[surrogate] = 1;
