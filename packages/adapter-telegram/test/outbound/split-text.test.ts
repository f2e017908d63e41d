import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitText, type TextEntity } from '@botkeel/adapter-telegram';

const word = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom('a', 'b', 'я', 'ß', '1') }),
  fc.constantFrom('😀', '👍🏽', '🇺🇦', 'a😀b', '𝒳'),
  fc.string({ minLength: 200, maxLength: 5_000, unit: fc.constantFrom('x', '😀') }),
);
const separator = fc.constantFrom(' ', ' ', ' ', '. ', '! ', '\n', '\n\n', '\t');
const text = fc
  .array(fc.tuple(word, separator), { minLength: 1, maxLength: 2_500 })
  .map((pairs) => pairs.map(([chunk, gap]) => chunk + gap).join(''));

/** Up to 5 entities of at most 500 units each, never cutting a surrogate pair themselves. */
const withEntities = text.chain((value) =>
  fc
    .array(
      fc.tuple(
        fc.nat({ max: Math.max(0, value.length - 1) }),
        fc.integer({ min: 1, max: 500 }),
        fc.constantFrom<TextEntity['type']>('bold', 'code', 'pre'),
      ),
      { maxLength: 5 },
    )
    .map((raw) => ({
      value,
      entities: raw.map(([offset, length, type]) => ({
        type,
        offset,
        length: Math.min(length, value.length - offset),
      })),
    })),
);

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;

describe('splitText', () => {
  it('keeps short texts whole', () => {
    expect(splitText('hello', [{ type: 'bold', offset: 0, length: 5 }])).toEqual([
      { text: 'hello', entities: [{ type: 'bold', offset: 0, length: 5 }] },
    ]);
  });

  it('parts concatenate back, are ≤ 4096 units, never split a surrogate pair or an entity', () => {
    fc.assert(
      fc.property(withEntities, ({ value, entities }) => {
        const parts = splitText(value, entities);
        expect(parts.map((part) => part.text).join('')).toBe(value);
        let offset = 0;
        for (const part of parts) {
          expect(part.text.length).toBeLessThanOrEqual(4_096);
          expect(part.text.length).toBeGreaterThan(0);
          const end = offset + part.text.length;
          if (end < value.length) {
            expect(isHigh(value.charCodeAt(end - 1))).toBe(false);
            for (const entity of entities) {
              expect(end > entity.offset && end < entity.offset + entity.length).toBe(false);
            }
          }
          for (const entity of part.entities) {
            expect(entity.offset).toBeGreaterThanOrEqual(0);
            expect(entity.offset + entity.length).toBeLessThanOrEqual(part.text.length);
          }
          offset = end;
        }
        const total = (list: readonly { length: number }[]) =>
          list.reduce((sum, entity) => sum + entity.length, 0);
        expect(total(parts.flatMap((part) => part.entities))).toBe(
          total(entities.filter((entity) => entity.length > 0)),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('prefers a paragraph break, then a line break, then a sentence end, then a space', () => {
    const para = `${'a'.repeat(3_000)}\n\n${'b'.repeat(500)}\n${'c'.repeat(1_000)}`;
    expect(splitText(para)[0]!.text).toBe(`${'a'.repeat(3_000)}\n\n`);
    const line = `${'a'.repeat(3_000)}\n${'b'.repeat(500)}. ${'c'.repeat(1_000)}`;
    expect(splitText(line)[0]!.text).toBe(`${'a'.repeat(3_000)}\n`);
    const sentence = `${'a'.repeat(3_000)}. ${'b'.repeat(500)} ${'c'.repeat(1_000)}`;
    expect(splitText(sentence)[0]!.text).toBe(`${'a'.repeat(3_000)}. `);
    const words = `${'a'.repeat(3_000)} ${'b'.repeat(2_000)}`;
    expect(splitText(words)[0]!.text).toBe(`${'a'.repeat(3_000)} `);
  });

  it('moves a cut out of a code block that would straddle it', () => {
    const code = `intro ${'w '.repeat(1_900)}`;
    const block = 'x'.repeat(1_000);
    const value = code + block + ' tail';
    const parts = splitText(value, [{ type: 'pre', offset: code.length, length: block.length }]);
    expect(parts[0]!.text).toBe(code);
    expect(parts[1]!.entities).toEqual([{ type: 'pre', offset: 0, length: 1_000 }]);
  });

  it('continues an entity longer than a part in the next part, never cutting a surrogate pair', () => {
    const value = '😀'.repeat(5_000);
    const parts = splitText(value, [{ type: 'code', offset: 0, length: value.length }]);
    expect(parts.map((part) => part.text).join('')).toBe(value);
    expect(parts[0]!.text.length).toBe(4_096);
    expect(parts.map((part) => part.entities[0]!.length)).toEqual(parts.map((part) => part.text.length));
  });
});
