import { type TextEntity } from './text-entity.js';

/** Plain text plus the entities that format it: what `sendMessage` sends without a `parse_mode`. */
export interface FormattedText {
  readonly text: string;
  readonly entities: readonly TextEntity[];
}

interface InlineRule {
  readonly marker: string;
  readonly type: TextEntity['type'];
  /** For `_` and `*`: the marker must not sit inside a word (snake_case, 2*3). */
  readonly wordBounded: boolean;
}

const inlineRules: readonly InlineRule[] = [
  { marker: '**', type: 'bold', wordBounded: false },
  { marker: '__', type: 'bold', wordBounded: true },
  { marker: '~~', type: 'strikethrough', wordBounded: false },
  { marker: '||', type: 'spoiler', wordBounded: false },
  { marker: '*', type: 'italic', wordBounded: true },
  { marker: '_', type: 'italic', wordBounded: true },
];

const isWordChar = (char: string | undefined): boolean => char !== undefined && /[\p{L}\p{N}]/u.test(char);
const escapable = /[\\`*_{}[\]()#+\-.!|~>]/;
const safeLinkScheme = /^(https?:\/\/|tg:\/\/|mailto:)/i;

class Builder {
  text = '';
  readonly entities: TextEntity[] = [];
  add(entity: TextEntity): void {
    if (entity.length > 0) this.entities.push(entity);
  }
}

/** Finds the closing `marker` from `from`, skipping escaped ones and code spans; -1 when none. */
function findClosing(source: string, marker: string, from: number, rule: InlineRule | undefined): number {
  for (let index = from; index <= source.length - marker.length; index += 1) {
    const char = source[index];
    if (char === '\\') {
      index += 1;
      continue;
    }
    if (char === '`' && marker !== '`') {
      const end = source.indexOf('`', index + 1);
      if (end !== -1) index = end;
      continue;
    }
    if (source.startsWith(marker, index)) {
      if (index === from) continue;
      if (rule?.wordBounded === true && isWordChar(source[index + marker.length])) continue;
      if (/\s/.test(source[index - 1] ?? '')) continue;
      return index;
    }
  }
  return -1;
}

function parseInline(source: string, out: Builder): void {
  let index = 0;
  while (index < source.length) {
    const char = source[index] ?? '';
    if (char === '\\' && escapable.test(source[index + 1] ?? '')) {
      out.text += source[index + 1];
      index += 2;
      continue;
    }
    if (char === '`') {
      const end = source.indexOf('`', index + 1);
      if (end > index + 1) {
        const offset = out.text.length;
        out.text += source.slice(index + 1, end);
        out.add({ type: 'code', offset, length: end - index - 1 });
        index = end + 1;
        continue;
      }
    }
    if (char === '[') {
      const link = /^\[([^\]\n]+)\]\(([^)\s]+)\)/.exec(source.slice(index));
      if (link !== null && safeLinkScheme.test(link[2] ?? '')) {
        const offset = out.text.length;
        parseInline(link[1] ?? '', out);
        out.add({ type: 'text_link', offset, length: out.text.length - offset, url: link[2] ?? '' });
        index += link[0].length;
        continue;
      }
    }
    const rule = inlineRules.find((candidate) => source.startsWith(candidate.marker, index));
    if (rule !== undefined) {
      const opensWord = !rule.wordBounded || !isWordChar(source[index - 1]);
      const next = source[index + rule.marker.length];
      const closing =
        opensWord && next !== undefined && !/\s/.test(next)
          ? findClosing(source, rule.marker, index + rule.marker.length, rule)
          : -1;
      if (closing !== -1) {
        const offset = out.text.length;
        parseInline(source.slice(index + rule.marker.length, closing), out);
        out.add({ type: rule.type, offset, length: out.text.length - offset });
        index = closing + rule.marker.length;
        continue;
      }
      out.text += rule.marker;
      index += rule.marker.length;
      continue;
    }
    out.text += char;
    index += 1;
  }
}

function parseLine(line: string, out: Builder): void {
  const heading = /^#{1,6}\s+(.*)$/.exec(line);
  if (heading !== null) {
    const offset = out.text.length;
    parseInline(heading[1] ?? '', out);
    out.add({ type: 'bold', offset, length: out.text.length - offset });
    return;
  }
  const bullet = /^(\s*)[-*+]\s+(.*)$/.exec(line);
  if (bullet !== null) {
    out.text += `${bullet[1] ?? ''}• `;
    parseInline(bullet[2] ?? '', out);
    return;
  }
  const quote = /^>\s?(.*)$/.exec(line);
  if (quote !== null) {
    const offset = out.text.length;
    parseInline(quote[1] ?? '', out);
    out.add({ type: 'blockquote', offset, length: out.text.length - offset });
    return;
  }
  parseInline(line, out);
}

/**
 * Converts the Markdown an LLM writes into Telegram plain text plus entities, so the message is
 * sent without `parse_mode` and can never fail with "can't parse entities": fenced code blocks
 * (with language), `code`, **bold**, __bold__, *italic*, _italic_, ~~strike~~, ||spoiler||,
 * [links](https://…) (http, https, tg and mailto only), `#` headings (bold), `-` bullets (•) and
 * `>` quotes. Unmatched markers stay as they are; `\*` escapes a marker.
 *
 * @example
 * ```ts
 * markdownToEntities('**Price:** 20 EUR');
 * // { text: 'Price: 20 EUR', entities: [{ type: 'bold', offset: 0, length: 6 }] }
 * ```
 */
export function markdownToEntities(markdown: string): FormattedText {
  const out = new Builder();
  const lines = markdown.split('\n');
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const fence = /^\s*```\s*([\w+#.-]*)\s*$/.exec(line);
    if (fence !== null) {
      const close = lines.findIndex((candidate, at) => at > index && /^\s*```\s*$/.test(candidate));
      if (close !== -1) {
        const code = lines.slice(index + 1, close).join('\n');
        const offset = out.text.length;
        out.text += code;
        const language = fence[1] ?? '';
        out.add({ type: 'pre', offset, length: code.length, ...(language === '' ? {} : { language }) });
        index = close;
        if (index < lines.length - 1) out.text += '\n';
        continue;
      }
    }
    parseLine(line, out);
    if (index < lines.length - 1) out.text += '\n';
  }
  return { text: out.text, entities: out.entities };
}
