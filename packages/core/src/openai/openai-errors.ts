import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { BotkeelError } from '../errors/botkeel-error.js';
import { AbortedError } from '../errors/subclasses.js';
import { ProviderError, type ProviderFaultKind } from '../resilience/provider-error.js';

/** The retry-after hint of a response, from `retry-after-ms` or `retry-after` (seconds or a date). */
export function retryAfterFromHeaders(headers: Headers | undefined, nowMs: number): number | undefined {
  const milliseconds = headers?.get('retry-after-ms');
  if (milliseconds !== null && milliseconds !== undefined) {
    const value = Number.parseFloat(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const header = headers?.get('retry-after');
  if (header === null || header === undefined) return undefined;
  const seconds = Number.parseFloat(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1_000;
  const date = Date.parse(header);
  return Number.isFinite(date) ? Math.max(0, date - nowMs) : undefined;
}

/**
 * Translates an error of the `openai` SDK (or of the transport under it) into the router's
 * classification: a {@link ProviderError} with a kind and retry-after, or `ABORTED`.
 */
export function toProviderError(
  error: unknown,
  provider: string,
  nowMs: number,
  signal: AbortSignal,
): BotkeelError {
  if (BotkeelError.isInstance(error)) return error;
  if (error instanceof APIUserAbortError || signal.aborted) {
    return new AbortedError(`The ${provider} request was aborted`, { cause: signal.reason ?? error });
  }
  if (error instanceof APIConnectionTimeoutError) {
    return new ProviderError('timeout', `The ${provider} request timed out`, { provider, cause: error });
  }
  if (error instanceof APIConnectionError) {
    return new ProviderError('connection', `Could not reach ${provider}`, { provider, cause: error });
  }
  if (error instanceof APIError) {
    const apiError = error as APIError<number | undefined, Headers | undefined>;
    const status = apiError.status;
    if (status === undefined) {
      return new ProviderError('server', `${provider} streamed an error`, { provider, cause: error });
    }
    const kind: ProviderFaultKind = ProviderError.kindOfStatus(status) ?? 'server';
    const retryAfterMs = retryAfterFromHeaders(apiError.headers, nowMs);
    return new ProviderError(kind, `${provider} answered HTTP ${status}`, {
      provider,
      status,
      cause: error,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (error instanceof SyntaxError) {
    return new ProviderError('malformed-response', `${provider} sent a body that is not valid JSON`, {
      provider,
      cause: error,
    });
  }
  return new ProviderError(
    'connection',
    `${provider} failed: ${error instanceof Error ? error.name : 'unknown error'}`,
    {
      provider,
      cause: error,
    },
  );
}
