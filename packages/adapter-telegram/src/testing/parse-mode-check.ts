const markdownV2Reserved = new Set([
  '_',
  '*',
  '[',
  ']',
  '(',
  ')',
  '~',
  '`',
  '>',
  '#',
  '+',
  '-',
  '=',
  '|',
  '{',
  '}',
  '.',
  '!',
]);
const markdownV2Pairs = ['*', '_', '~', '`', '||'];
const htmlTags = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'code',
  'pre',
  'blockquote',
  'tg-emoji',
]);

/**
 * Checks text the way the Bot API does for `parse_mode`, answering Telegram's error description
 * ("Bad Request: can't parse entities: …") or `undefined` when it parses. It covers the common
 * failures: an unescaped reserved character or unclosed marker in MarkdownV2, an unknown or
 * unbalanced tag or a bare `&`/`<` in HTML.
 *
 * @example
 * ```ts
 * checkParseMode('Price 2.50', 'MarkdownV2'); // "Bad Request: can't parse entities: Character '.' is reserved …"
 * ```
 */
export function checkParseMode(text: string, parseMode: string): string | undefined {
  if (parseMode === 'MarkdownV2') {
    const open = new Map<string, number>();
    for (let index = 0; index < text.length; index += 1) {
      const char = text[index] ?? '';
      if (char === '\\') {
        index += 1;
        continue;
      }
      const pair = markdownV2Pairs.find((marker) => text.startsWith(marker, index));
      if (pair !== undefined) {
        open.set(pair, (open.get(pair) ?? 0) + 1);
        index += pair.length - 1;
        continue;
      }
      if (markdownV2Reserved.has(char)) {
        return `Bad Request: can't parse entities: Character '${char}' is reserved and must be escaped with the preceding '\\'`;
      }
    }
    for (const [marker, count] of open) {
      if (count % 2 !== 0)
        return `Bad Request: can't parse entities: Can't find end of the entity starting with '${marker}'`;
    }
    return undefined;
  }
  if (parseMode === 'HTML') {
    const stack: string[] = [];
    const tag = /<(\/?)([a-z-]+)(?:\s[^<>]*)?>|<|&(?![a-z]{2,6};|#\d{1,7};|#x[0-9a-f]{1,6};)/gi;
    for (const match of text.matchAll(tag)) {
      if (match[0] === '<' || match[0] === '&') {
        return `Bad Request: can't parse entities: Unsupported start tag at byte offset ${match.index}`;
      }
      const name = (match[2] ?? '').toLowerCase();
      if (!htmlTags.has(name))
        return `Bad Request: can't parse entities: Unsupported start tag "${name}" at byte offset ${match.index}`;
      if (match[1] === '/') {
        if (stack.pop() !== name)
          return `Bad Request: can't parse entities: Unmatched end tag at byte offset ${match.index}, expected "</${name}>"`;
      } else stack.push(name);
    }
    if (stack.length > 0)
      return `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "${stack[stack.length - 1] ?? ''}"`;
    return undefined;
  }
  return undefined;
}
