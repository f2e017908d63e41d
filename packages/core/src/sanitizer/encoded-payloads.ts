import { codeUnitsOf } from './code-units.js';

/** Text decoded from a base64 or hexadecimal run found in a message. */
export interface DecodedPayload {
  /** Which encoding the run used. */
  readonly encoding: 'base64' | 'hex';
  /** The decoded text (readable: mostly letters, digits, spaces and punctuation). */
  readonly text: string;
}

/** Shortest run worth decoding: 24 base64 characters hold 18 bytes, enough for "ignore all rules". */
export const minimumBase64Run = 24;
/** 32 hexadecimal digits hold 16 bytes. */
export const minimumHexRun = 32;
const maximumRuns = 8;
const maximumRunLength = 8192;

// The look-behind makes positions inside a run fail at once, so a scan costs about two steps a character.
const base64Run = /(?<![A-Za-z0-9+/_-])[A-Za-z0-9+/_-]{24,8192}={0,2}/g;
const hexRun = /(?<![0-9a-fA-F])(?:[0-9a-fA-F]{2}[ :]?){16,4096}|(?:\\x[0-9a-fA-F]{2}){16,2048}/g;
const hexDigitsOnly = /[^0-9a-fA-F]/g;

const kindNone = 0;
const kindBase64Only = 1;
const kindHexDigit = 2;
const kindHexSeparator = 3;
/** Per ASCII code: a base64-only character, a hex digit (also base64), a hex-run separator, or none. */
export const asciiKinds = new Uint8Array(128);
for (const character of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/_-') {
  asciiKinds[character.charCodeAt(0)] = kindBase64Only;
}
for (const character of '0123456789abcdefABCDEF') asciiKinds[character.charCodeAt(0)] = kindHexDigit;
for (const character of ' :\\') asciiKinds[character.charCodeAt(0)] = kindHexSeparator;

/** Whether a text can hold a base64 run or a hex run (see {@link possibleRuns}). */
export interface PossibleRuns {
  readonly hasBase64: boolean;
  readonly hasHex: boolean;
}

/**
 * One pass that tells whether `base64Run` and `hexRun` can match at all: a base64 match is a run of
 * at least 24 base64 characters; a hex match is a run of hex digits, spaces, colons, backslashes and `x`
 * holding at least 32 hex digits. Most messages have neither, and the two expressions are skipped.
 * This is the unit-by-unit definition; {@link possibleRunsIn} gives the same answer reading less.
 */
export function possibleRuns(text: string): PossibleRuns {
  let hasBase64 = false;
  let hasHex = false;
  let base64Length = 0;
  let hexDigits = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    const kind = code < 128 ? (asciiKinds[code] ?? kindNone) : kindNone;
    if (kind === kindBase64Only || kind === kindHexDigit) {
      base64Length += 1;
      if (base64Length >= minimumBase64Run) hasBase64 = true;
    } else base64Length = 0;
    if (kind === kindHexDigit) {
      hexDigits += 1;
      if (hexDigits >= minimumHexRun) hasHex = true;
    } else if (kind !== kindHexSeparator && code !== 0x78) hexDigits = 0;
    if (hasBase64 && hasHex) break;
  }
  return { hasBase64, hasHex };
}

/** Per code unit: in a base64 run (and counted), in a hex run, a hex digit (counted in a hex run). */
const runBase64 = 1;
const runHex = 2;
const runHexDigit = 4;
const hexDigitShift = 2;
const runUnits = new Uint8Array(0x10000);
for (let code = 0; code < 128; code += 1) {
  const kind = asciiKinds[code] ?? kindNone;
  let unit = 0;
  if (kind === kindBase64Only || kind === kindHexDigit) unit |= runBase64;
  if (kind === kindHexDigit) unit |= runHex | runHexDigit;
  if (kind === kindHexSeparator || code === 0x78) unit |= runHex;
  runUnits[code] = unit;
}

/**
 * Whether `codes[0, length)` holds a run of units with `inRun` set that has at least `minimum` units
 * with `counted` set. A run holding that many spans at least `minimum` units, so it covers one of
 * every `minimum`-th position: only those are looked at, and a run is measured from there (each
 * unit at most once, as `end` moves past the runs measured). Most text is never read around its
 * samples beyond the word they fall in.
 */
function hasLongRun(
  codes: Uint16Array,
  length: number,
  inRun: number,
  countedShift: number,
  minimum: number,
): boolean {
  const counted = 1 << countedShift;
  let end = 0;
  for (let sample = minimum - 1; sample < length; sample += minimum) {
    if (sample < end || ((runUnits[codes[sample] ?? 0] ?? 0) & inRun) === 0) continue;
    let count = 0;
    let left = sample;
    while (left >= end) {
      const unit = runUnits[codes[left] ?? 0] ?? 0;
      if ((unit & inRun) === 0) break;
      count += (unit & counted) >> countedShift;
      left -= 1;
    }
    let right = sample + 1;
    while (right < length && count < minimum) {
      const unit = runUnits[codes[right] ?? 0] ?? 0;
      if ((unit & inRun) === 0) break;
      count += (unit & counted) >> countedShift;
      right += 1;
    }
    if (count >= minimum) return true;
    end = right;
  }
  return false;
}

/** {@link possibleRuns} of the code units `codes[0, length)`, reading only around sampled positions. */
export function possibleRunsIn(codes: Uint16Array, length: number): PossibleRuns {
  return {
    hasBase64: hasLongRun(codes, length, runBase64, 0, minimumBase64Run),
    hasHex: hasLongRun(codes, length, runHex, hexDigitShift, minimumHexRun),
  };
}

/** True when at least 90 % of the characters are printable and there are at least two words. */
function isReadable(text: string): boolean {
  if (text.length < 8) return false;
  let printable = 0;
  let spaces = 0;
  for (let index = 0; index < text.length; index += 1) {
    const code = text.charCodeAt(index);
    if (code === 0x20) spaces += 1;
    if ((code >= 0x20 && code < 0x7f) || code === 0x0a || (code >= 0xa0 && code !== 0xfffd)) {
      printable += 1;
    }
  }
  return spaces >= 1 && printable >= text.length * 0.9;
}

function hasLetterMix(run: string): boolean {
  // Plain long words and numbers are not base64: require upper, lower and a digit or a symbol,
  // or at least both cases for long runs.
  let upper = false;
  let lower = false;
  let other = false;
  for (let index = 0; index < run.length; index += 1) {
    const code = run.charCodeAt(index);
    if (code >= 0x41 && code <= 0x5a) upper = true;
    else if (code >= 0x61 && code <= 0x7a) lower = true;
    else other = true;
    if (upper && lower && other) return true;
  }
  return upper && lower && run.length >= 32;
}

/**
 * Finds base64 and hexadecimal runs long enough to hide an instruction and returns the readable ones,
 * decoded. Bounded: at most 8 runs of at most 8 KB each. `knownRuns`, when the caller already knows
 * the {@link possibleRuns} answer for this very text, skips the check.
 */
export function decodeEncodedPayloads(text: string, knownRuns?: PossibleRuns): DecodedPayload[] {
  if (text.length < minimumBase64Run) return [];
  const payloads: DecodedPayload[] = [];
  const { hasBase64, hasHex } = knownRuns ?? possibleRunsIn(codeUnitsOf(text), text.length);
  for (const match of hasBase64 ? text.matchAll(base64Run) : []) {
    if (payloads.length >= maximumRuns) break;
    const run = match[0];
    if (!hasLetterMix(run)) continue;
    const decoded = Buffer.from(run.slice(0, maximumRunLength), 'base64').toString('utf8');
    if (isReadable(decoded)) payloads.push({ encoding: 'base64', text: decoded });
  }
  if (text.length < minimumHexRun || !hasHex) return payloads;
  for (const match of text.matchAll(hexRun)) {
    if (payloads.length >= maximumRuns) break;
    const digits = match[0].replace(/\\x/g, '').replace(hexDigitsOnly, '');
    if (digits.length < minimumHexRun) continue;
    const decoded = Buffer.from(digits.slice(0, maximumRunLength), 'hex').toString('utf8');
    if (isReadable(decoded)) payloads.push({ encoding: 'hex', text: decoded });
  }
  return payloads;
}
