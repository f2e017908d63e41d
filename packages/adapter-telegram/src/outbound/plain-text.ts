const htmlEntities: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
};

/**
 * Turns text written for a `parse_mode` into the clean plain text it shows: HTML tags dropped and
 * entities decoded; MarkdownV2 markers and backslash escapes removed. Used when Telegram refuses
 * the formatted text ("can't parse entities"), so the fallback carries no stray escape characters.
 *
 * @example
 * ```ts
 * toPlainText('Price: *20\\.00*', 'MarkdownV2'); // 'Price: 20.00'
 * toPlainText('<b>Tom &amp; Jerry</b>', 'HTML'); // 'Tom & Jerry'
 * ```
 */
export function toPlainText(text: string, parseMode: 'HTML' | 'MarkdownV2' | 'Markdown'): string {
  if (parseMode === 'HTML') {
    return text
      .replace(/<[^<>]{0,2048}>/g, '')
      .replace(/&(#x[0-9a-f]{1,6}|#\d{1,7}|[a-z]{2,6});/gi, (match, name: string) => {
        if (name.startsWith('#x') || name.startsWith('#X'))
          return safeCodePoint(Number.parseInt(name.slice(2), 16), match);
        if (name.startsWith('#')) return safeCodePoint(Number.parseInt(name.slice(1), 10), match);
        return htmlEntities[name.toLowerCase()] ?? match;
      });
  }
  // Links keep their text; markers go; an escaped character stays as itself.
  const withoutLinks = text.replace(/\[([^\]\n]{0,4096})\]\([^)\n]{0,4096}\)/g, '$1');
  return withoutLinks.replace(
    /\\(.)|```[\w+#.-]*\n?|[*_~|`]/gs,
    (_match, escaped: string | undefined) => escaped ?? '',
  );
}

function safeCodePoint(value: number, fallback: string): string {
  return Number.isInteger(value) && value >= 0 && value <= 0x10ffff && (value < 0xd800 || value > 0xdfff)
    ? String.fromCodePoint(value)
    : fallback;
}
