import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

/**
 * Compares a received secret (e.g. the `X-Telegram-Bot-Api-Secret-Token` header) with the expected
 * one in constant time: both are hashed with SHA-256 and the digests compared with
 * `crypto.timingSafeEqual`, so neither the content nor the length leaks through timing. A missing or
 * empty value on either side is never a match.
 *
 * @param expected - the configured secret.
 * @param received - what the request carried (`null`/`undefined` when absent).
 * @returns true only when both are non-empty and equal.
 * @example
 * ```ts
 * if (!verifySecret(secretToken, request.headers.get('x-telegram-bot-api-secret-token'))) {
 *   return new Response('unauthorized', { status: 401 });
 * }
 * ```
 */
export function verifySecret(
  expected: string | null | undefined,
  received: string | null | undefined,
): boolean {
  if (typeof expected !== 'string' || typeof received !== 'string') return false;
  if (expected.length === 0 || received.length === 0) return false;
  return timingSafeEqual(digest(expected), digest(received));
}
