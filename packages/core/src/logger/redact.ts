/** What replaces a secret in logs and error messages. */
export const REDACTED = '[REDACTED]';

// Each pattern is linear-time: bounded quantifiers over disjoint character classes, no nesting.
const secretPatterns: readonly [RegExp, string][] = [
  // Telegram bot tokens: "<bot id>:<35 chars>", alone or inside api.telegram.org/bot<token>/… URLs.
  [/(?<!\d)\d{5,16}:[A-Za-z0-9_-]{30,256}/g, REDACTED],
  // OpenAI-style API keys: sk-…, sk-proj-…
  [/\bsk-[A-Za-z0-9_-]{16,256}/g, REDACTED],
  // Passwords in connection URLs: scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]{0,30}:\/\/[^\s:/?#@]{0,256}):[^\s/?#@]{1,256}@/gi, `$1:${REDACTED}@`],
  // Header lines and query-like pairs carrying credentials.
  [
    /\b(authorization|proxy-authorization|x-telegram-bot-api-secret-token|x-api-key|api[_-]?key|password|secret_token)(["']?\s{0,4}[:=]\s{0,4}["']?)(?:(?:bearer|basic|token)\s{1,4})?[^\s"',;&]{1,1024}/gi,
    `$1$2${REDACTED}`,
  ],
];

/** Keys whose string values are always secrets, whatever they look like. */
const secretKey =
  /^(authorization|proxy-authorization|x-telegram-bot-api-secret-token|x-api-key|api[_-]?key|apikey|password|passwd|secret|secret[_-]?token|bot[_-]?token|access[_-]?token|refresh[_-]?token|client[_-]?secret|cookie|set-cookie)$/i;

/**
 * Removes every secret shape Botkeel knows from a string: Telegram bot tokens (also inside Bot API
 * URLs), OpenAI-style keys, passwords in connection URLs, and credential headers.
 *
 * @example
 * ```ts
 * redactText('GET https://api.telegram.org/bot123456:ABC.../getMe'); // '…/bot[REDACTED]/getMe'
 * ```
 */
export function redactText(text: string): string {
  let result = text;
  for (const [pattern, replacement] of secretPatterns) result = result.replace(pattern, replacement);
  return result;
}

const maxDepth = 8;

function redactError(error: Error, seen: WeakSet<object>, depth: number): Record<string, unknown> {
  const output: Record<string, unknown> = { type: error.name, message: redactText(error.message) };
  if (error.stack !== undefined) output['stack'] = redactText(error.stack);
  for (const [key, value] of Object.entries(error)) {
    output[key] =
      secretKey.test(key) && typeof value === 'string' ? REDACTED : redactValue(value, seen, depth + 1);
  }
  if (error.cause !== undefined) output['cause'] = redactValue(error.cause, seen, depth + 1);
  return output;
}

function redactValue(value: unknown, seen: WeakSet<object>, depth: number): unknown {
  if (typeof value === 'string') return redactText(value);
  if (typeof value !== 'object' || value === null) return value;
  if (seen.has(value)) return '[Circular]';
  if (depth >= maxDepth) return '[Truncated]';
  seen.add(value);
  if (value instanceof Error) return redactError(value, seen, depth);
  if (value instanceof URL) return redactText(value.href);
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map((item: unknown) => redactValue(item, seen, depth + 1));
  if (value instanceof Map) {
    return redactValue(Object.fromEntries(value), seen, depth + 1);
  }
  if (typeof (value as { entries?: unknown }).entries === 'function' && value instanceof Headers) {
    return redactValue(Object.fromEntries(value.entries()), seen, depth + 1);
  }
  const output: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    output[key] =
      secretKey.test(key) && (typeof item === 'string' || Array.isArray(item))
        ? REDACTED
        : redactValue(item, seen, depth + 1);
  }
  return output;
}

/**
 * Returns a deep copy of `value` with every secret removed: secret shapes inside any string, values
 * under credential keys (`authorization`, `password`, `apiKey`, …), and errors turned into plain
 * objects whose message, stack and cause are redacted too. Cycles and depth are bounded.
 *
 * @example
 * ```ts
 * redact({ headers: { Authorization: 'Bearer abc' } }); // { headers: { Authorization: '[REDACTED]' } }
 * ```
 */
export function redact(value: unknown): unknown {
  return redactValue(value, new WeakSet(), 0);
}
