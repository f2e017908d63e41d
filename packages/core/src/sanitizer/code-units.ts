/**
 * A string's UTF-16 code units in a typed array, for the per-unit passes: Buffer's UTF-16LE encoding
 * copies them as they are (lone surrogates included) in far less time than a `charCodeAt` loop, and a
 * typed-array read costs less than `charCodeAt` (no string representation to dispatch on).
 */

/** Reused by every call (the sanitizer is synchronous), grown on demand. */
let units = new Uint16Array(4096);
let bytes = Buffer.from(units.buffer, units.byteOffset, units.byteLength);

/**
 * The code units of `text` in `[0, text.length)` of a shared array, valid until the next call (read
 * them before calling anything that may call this again).
 */
export function codeUnitsOf(text: string): Uint16Array {
  if (units.length < text.length) {
    units = new Uint16Array(text.length);
    bytes = Buffer.from(units.buffer, units.byteOffset, units.byteLength);
  }
  bytes.write(text, 0, 'utf16le');
  return units;
}

/**
 * `units[0 … length)` as a string: UTF-16LE decoding copies the units as they are (lone surrogates
 * included) and makes a one-byte string when every unit fits.
 */
export function textOfCodeUnits(units: Uint16Array, length: number): string {
  return Buffer.from(units.buffer, units.byteOffset, length * 2).toString('utf16le');
}
