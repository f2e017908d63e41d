import { BotkeelError } from '../errors/botkeel-error.js';
import { ProviderError } from './provider-error.js';

/** Decides whether an error counts as a fault of the called service (see {@link isProviderFault}). */
export type FaultClassifier = (error: unknown) => boolean;

const transientNetworkCodes: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

function numberProperty(value: unknown, key: string): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const property = (value as Record<string, unknown>)[key];
  return typeof property === 'number' && Number.isFinite(property) ? property : undefined;
}

function isAbortLike(error: unknown): boolean {
  if (BotkeelError.hasCode(error, 'ABORTED')) return true;
  return error instanceof Error && error.name === 'AbortError';
}

/**
 * The default classifier of circuit breakers: true when `error` says the called service is at
 * fault (5xx, 429, timeouts, connection resets, a broken response, refused credentials), false when
 * the caller is (400-class input errors, content filters) or when the call was aborted by its
 * caller. Unknown errors count as faults.
 *
 * @example
 * ```ts
 * isProviderFault(new ProviderError('server', 'HTTP 503')); // true
 * isProviderFault(new ProviderError('bad-request', 'HTTP 400')); // false
 * ```
 */
export function isProviderFault(error: unknown): boolean {
  if (error instanceof ProviderError) return error.isProviderFault;
  if (isAbortLike(error)) return false;
  if (BotkeelError.isInstance(error)) {
    const faultFlag = (error as unknown as { isProviderFault?: unknown }).isProviderFault;
    if (typeof faultFlag === 'boolean') return faultFlag;
    return error.retryable;
  }
  const status = numberProperty(error, 'status') ?? numberProperty(error, 'statusCode');
  if (status !== undefined)
    return status >= 500 || status === 429 || status === 408 || status === 401 || status === 403;
  return true;
}

/**
 * True when repeating the call may succeed: retryable Botkeel errors, 5xx/429/408 statuses and
 * transient network errors. Aborts and input errors are never retryable. Unknown errors are.
 *
 * @example
 * ```ts
 * isRetryableError(Object.assign(new Error('reset'), { code: 'ECONNRESET' })); // true
 * ```
 */
export function isRetryableError(error: unknown): boolean {
  if (isAbortLike(error)) return false;
  if (BotkeelError.isInstance(error)) return error.retryable;
  const status = numberProperty(error, 'status') ?? numberProperty(error, 'statusCode');
  if (status !== undefined) return status >= 500 || status === 429 || status === 408;
  if (typeof error === 'object' && error !== null) {
    const code = (error as Record<string, unknown>).code;
    if (typeof code === 'string' && transientNetworkCodes.has(code)) return true;
  }
  return true;
}

/**
 * The retry-after hint an error carries, in milliseconds: its `retryAfterMs` property (Botkeel
 * errors, `TelegramApiError`), else `undefined`.
 *
 * @example
 * ```ts
 * retryAfterOf(new ProviderError('rate-limit', '429', { retryAfterMs: 2_000 })); // 2000
 * ```
 */
export function retryAfterOf(error: unknown): number | undefined {
  const hint = numberProperty(error, 'retryAfterMs');
  return hint !== undefined && hint >= 0 ? hint : undefined;
}
