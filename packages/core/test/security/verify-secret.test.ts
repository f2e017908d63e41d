import { describe, expect, it } from 'vitest';
import { verifySecret } from '@botkeel/core';

describe('verifySecret', () => {
  it('accepts the same secret', () => {
    expect(verifySecret('s3cret_Token-1', 's3cret_Token-1')).toBe(true);
  });

  it('refuses a different secret of the same length, a prefix and a longer value', () => {
    expect(verifySecret('s3cret_Token-1', 's3cret_Token-2')).toBe(false);
    expect(verifySecret('s3cret_Token-1', 's3cret')).toBe(false);
    expect(verifySecret('s3cret_Token-1', 's3cret_Token-1x')).toBe(false);
  });

  it('never matches a missing or empty value on either side', () => {
    expect(verifySecret('abc', null)).toBe(false);
    expect(verifySecret('abc', undefined)).toBe(false);
    expect(verifySecret('abc', '')).toBe(false);
    expect(verifySecret('', '')).toBe(false);
    expect(verifySecret(undefined, undefined)).toBe(false);
    expect(verifySecret(null, 'abc')).toBe(false);
  });

  it('compares the whole unicode string, not a truncated byte form', () => {
    expect(verifySecret('ключ-ü', 'ключ-ü')).toBe(true);
    expect(verifySecret('ключ-ü', 'ключ-u')).toBe(false);
  });
});
