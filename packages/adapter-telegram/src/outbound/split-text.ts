import { type TextEntity } from './text-entity.js';

/** One part of a split message. */
export interface TextPart {
  readonly text: string;
  /** The entities of this part, offsets relative to it. */
  readonly entities: readonly TextEntity[];
}

/** Telegram's longest message text, in UTF-16 code units. */
export const telegramMaxMessageLength = 4_096;

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** Positions where a cut would break a surrogate pair or fall strictly inside an entity. */
function forbiddenCuts(text: string, entities: readonly TextEntity[]): Uint8Array {
  const inside = new Int32Array(text.length + 2);
  for (const entity of entities) {
    const from = Math.max(0, entity.offset + 1);
    const to = Math.min(text.length, entity.offset + entity.length);
    if (from < to) {
      inside[from] = (inside[from] ?? 0) + 1;
      inside[to] = (inside[to] ?? 0) - 1;
    }
  }
  const forbidden = new Uint8Array(text.length + 1);
  let depth = 0;
  for (let position = 0; position <= text.length; position += 1) {
    depth += inside[position] ?? 0;
    const splitsPair =
      position > 0 &&
      position < text.length &&
      isHighSurrogate(text.charCodeAt(position - 1)) &&
      isLowSurrogate(text.charCodeAt(position));
    forbidden[position] = depth > 0 || splitsPair ? 1 : 0;
  }
  return forbidden;
}

const sentenceEnd = /[.!?…。]["')\]]?$/;

/** The best cut in `(start, end]`: after a paragraph break, a line break, a sentence, a space; else hard. */
function findCut(text: string, start: number, end: number, forbidden: Uint8Array): number {
  const minimum = start + 1;
  const lastAllowed = (accept: (position: number) => boolean): number | undefined => {
    for (let position = end; position >= minimum; position -= 1) {
      if (forbidden[position] === 0 && accept(position)) return position;
    }
    return undefined;
  };
  const charBefore = (position: number): string => text[position - 1] ?? '';
  return (
    lastAllowed((position) => charBefore(position) === '\n' && charBefore(position - 1) === '\n') ??
    lastAllowed((position) => charBefore(position) === '\n') ??
    lastAllowed(
      (position) =>
        /\s/.test(charBefore(position)) &&
        sentenceEnd.test(text.slice(Math.max(start, position - 3), position - 1)),
    ) ??
    lastAllowed((position) => /\s/.test(charBefore(position))) ??
    // No boundary and no entity-free spot: cut inside the entity but never inside a surrogate pair.
    lastAllowed(() => true) ??
    (isLowSurrogate(text.charCodeAt(end)) && end - 1 > start ? end - 1 : end)
  );
}

/** The entities overlapping `[from, to)`, clipped to it and made relative to `from`. */
function entitiesIn(entities: readonly TextEntity[], from: number, to: number): TextEntity[] {
  const result: TextEntity[] = [];
  for (const entity of entities) {
    const start = Math.max(entity.offset, from);
    const end = Math.min(entity.offset + entity.length, to);
    if (start < end) result.push({ ...entity, offset: start - from, length: end - start });
  }
  return result;
}

/**
 * Splits a message longer than `maxLength` UTF-16 code units (Telegram: 4,096) into parts that
 * concatenate back to the original text: each cut goes after a paragraph break if one fits, else a
 * line break, else a sentence end, else a space; never inside a surrogate pair, and never inside an
 * entity (bold, link, code block, …) unless one entity alone is longer than a part, in which case it
 * continues in the next part. Entities are re-based onto their parts.
 *
 * @example
 * ```ts
 * const parts = splitText(longAnswer, []);
 * for (const part of parts) await client.sendMessage(chatId, part.text, { entities: part.entities });
 * ```
 */
export function splitText(
  text: string,
  entities: readonly TextEntity[] = [],
  maxLength: number = telegramMaxMessageLength,
): TextPart[] {
  if (text.length <= maxLength) return [{ text, entities: [...entities] }];
  const forbidden = forbiddenCuts(text, entities);
  const parts: TextPart[] = [];
  let start = 0;
  while (text.length - start > maxLength) {
    const cut = findCut(text, start, start + maxLength, forbidden);
    parts.push({ text: text.slice(start, cut), entities: entitiesIn(entities, start, cut) });
    start = cut;
  }
  parts.push({ text: text.slice(start), entities: entitiesIn(entities, start, text.length) });
  return parts;
}
