import { BotkeelError, type BotkeelErrorOptions } from '../errors/botkeel-error.js';

/**
 * What kind of fault a provider (an LLM API, an HTTP service) reported. It decides whether the
 * call is retried, whether it counts against the provider's circuit breaker, and whether the
 * router moves on to the next provider.
 *
 * | kind | retried | counts as a provider fault |
 * | --- | --- | --- |
 * | `rate-limit` (429) | yes, after its retry-after | yes |
 * | `server` (5xx) | yes | yes |
 * | `timeout` | yes | yes |
 * | `connection` (reset, refused, DNS) | yes | yes |
 * | `malformed-response` (not JSON, cut short) | yes | yes |
 * | `authentication` (401/403) | no | yes (the provider is unusable until fixed) |
 * | `bad-request` (400, 404, 422) | no | no (the caller's input) |
 * | `content-filter` | no | no (the caller's input) |
 */
export type ProviderFaultKind =
  | 'rate-limit'
  | 'server'
  | 'timeout'
  | 'connection'
  | 'malformed-response'
  | 'authentication'
  | 'bad-request'
  | 'content-filter';

const retryableKinds: ReadonlySet<ProviderFaultKind> = new Set<ProviderFaultKind>([
  'rate-limit',
  'server',
  'timeout',
  'connection',
  'malformed-response',
]);

const faultKinds: ReadonlySet<ProviderFaultKind> = new Set<ProviderFaultKind>([
  ...retryableKinds,
  'authentication',
]);

/** Options of a {@link ProviderError} besides its kind and message. */
export interface ProviderErrorOptions extends BotkeelErrorOptions {
  /** The provider's name, e.g. `'openai'`. */
  provider?: string;
  /** The HTTP status, when there was one. */
  status?: number;
  /** How long the provider asked us to wait before the next call (from `retry-after`). */
  retryAfterMs?: number;
}

/**
 * A fault reported by a provider, with the {@link ProviderFaultKind} that drives retries, breakers
 * and fallbacks. Provider adapters (e.g. `openAiProvider`) translate their SDK's errors into it.
 *
 * @example
 * ```ts
 * throw new ProviderError('rate-limit', 'Too many requests', { provider: 'openai', status: 429, retryAfterMs: 2_000 });
 * ```
 */
export class ProviderError extends BotkeelError {
  override readonly name = 'ProviderError';
  /** What went wrong, as a stable kind. */
  readonly kind: ProviderFaultKind;
  /** The provider that failed, when known. */
  readonly provider: string | undefined;
  /** The HTTP status, when there was one. */
  readonly status: number | undefined;
  /** The provider's retry-after hint in milliseconds, when it gave one. */
  readonly retryAfterMs: number | undefined;
  /** True when this fault counts against the provider's circuit breaker. */
  readonly isProviderFault: boolean;

  constructor(kind: ProviderFaultKind, message: string, options: ProviderErrorOptions = {}) {
    super('PROVIDER_ERROR', message, {
      cause: options.cause,
      retryable: options.retryable ?? retryableKinds.has(kind),
    });
    this.kind = kind;
    this.provider = options.provider;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
    this.isProviderFault = faultKinds.has(kind);
  }

  /** The fault kind an HTTP status means (`undefined` for a success status). */
  static kindOfStatus(status: number): ProviderFaultKind | undefined {
    if (status === 429) return 'rate-limit';
    if (status === 408) return 'timeout';
    if (status === 401 || status === 403) return 'authentication';
    if (status >= 500) return 'server';
    if (status >= 400) return 'bad-request';
    return undefined;
  }
}
