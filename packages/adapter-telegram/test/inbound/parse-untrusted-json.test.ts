import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseUntrustedJson } from '@botkeel/adapter-telegram';

describe('parseUntrustedJson', () => {
  it('parses what JSON.parse parses when within the limits', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 10 }), (value) => {
        const text = JSON.stringify(value);
        const result = parseUntrustedJson(text);
        if (!text.includes('__proto__') && !text.includes('constructor')) {
          expect(result).toEqual({ ok: true, value: JSON.parse(text) as unknown });
        }
      }),
      { numRuns: 300 },
    );
  });

  it('counts brackets and colons inside strings as text, not structure', () => {
    const text = JSON.stringify({ a: '[[[[[[{{{{:::::\\"' });
    expect(parseUntrustedJson(text, { maxDepth: 2, maxKeys: 1 })).toEqual({
      ok: true,
      value: { a: '[[[[[[{{{{:::::\\"' },
    });
  });

  it('names the reason of a refusal', () => {
    expect(parseUntrustedJson('[[[1]]]', { maxDepth: 2 })).toEqual({
      ok: false,
      reason: 'nested too deeply',
    });
    expect(parseUntrustedJson('{"a":1,"b":2}', { maxKeys: 1 })).toEqual({
      ok: false,
      reason: 'too many keys',
    });
    expect(parseUntrustedJson('{"a":{"__proto__":1}}')).toEqual({
      ok: false,
      reason: 'forbidden key "__proto__"',
    });
    expect(parseUntrustedJson('{"constructor":{"prototype":1}}')).toEqual({
      ok: false,
      reason: 'forbidden key "constructor.prototype"',
    });
    expect(parseUntrustedJson('{"constructor":"fine"}')).toEqual({
      ok: true,
      value: { constructor: 'fine' },
    });
    expect(parseUntrustedJson('"\\udfff"')).toEqual({ ok: false, reason: 'lone surrogate in a string' });
    expect(parseUntrustedJson('{')).toEqual({ ok: false, reason: 'malformed JSON' });
  });
});
