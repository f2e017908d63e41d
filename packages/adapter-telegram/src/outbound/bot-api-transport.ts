import { AbortedError, type Clock, REDACTED, redactText } from '@botkeel/core';

/** What one HTTP round trip to the Bot API gave. */
export type BotApiAnswer =
  | { readonly kind: 'ok'; readonly result: unknown }
  | {
      readonly kind: 'error';
      readonly errorCode: number;
      readonly description: string;
      readonly retryAfterMs?: number;
      readonly migrateToChatId?: number;
    }
  | { readonly kind: 'network'; readonly description: string };

/** A `fetch` as the transport uses it (the global one by default; injectable for tests). */
export type FetchFunction = (url: string, init: RequestInit) => Promise<Response>;

interface TelegramEnvelope {
  ok?: unknown;
  result?: unknown;
  error_code?: unknown;
  description?: unknown;
  parameters?: { retry_after?: unknown; migrate_to_chat_id?: unknown };
}

const isAborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true;

/**
 * Removes the bot token from a text: every known secret shape, and the exact token whatever its shape.
 *
 * @example
 * ```ts
 * scrubToken(`GET /bot${token}/getMe failed`, token); // 'GET /bot[REDACTED]/getMe failed'
 * ```
 */
export function scrubToken(text: string, token: string): string {
  const redacted = redactText(text);
  return token === '' ? redacted : redacted.split(token).join(REDACTED);
}

/**
 * Performs one Bot API call: POSTs `params` as JSON to `<apiRoot>/bot<token>/<method>` and reads
 * Telegram's envelope. Never throws for an HTTP or network failure (it answers `kind: 'error'` or
 * `'network'`); throws `AbortedError` only when `signal` aborts. Descriptions are redacted, so the
 * token in the URL cannot leak through them.
 *
 * @example
 * ```ts
 * const answer = await callBotApi({ apiRoot, token, fetch, clock, timeoutMs: 30_000 }, 'getMe', {});
 * ```
 */
export async function callBotApi(
  transport: {
    readonly apiRoot: string;
    readonly token: string;
    readonly fetch: FetchFunction;
    readonly clock: Clock;
    readonly timeoutMs: number;
  },
  method: string,
  params: Record<string, unknown>,
  signal?: AbortSignal,
): Promise<BotApiAnswer> {
  if (signal?.aborted === true) throw new AbortedError();
  const controller = new AbortController();
  const onAbort = (): void => controller.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer = transport.clock.setTimeout(() => controller.abort(), transport.timeoutMs, { unref: true });
  try {
    const response = await transport.fetch(`${transport.apiRoot}/bot${transport.token}/${method}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(params),
      signal: controller.signal,
    });
    const text = await response.text();
    let envelope: TelegramEnvelope | undefined;
    try {
      envelope = JSON.parse(text) as TelegramEnvelope;
    } catch {
      envelope = undefined;
    }
    if (envelope?.ok === true && response.ok) return { kind: 'ok', result: envelope.result };
    const errorCode = typeof envelope?.error_code === 'number' ? envelope.error_code : response.status;
    const description =
      typeof envelope?.description === 'string' ? envelope.description : `HTTP ${response.status}`;
    const retryAfter = envelope?.parameters?.retry_after;
    const migrateTo = envelope?.parameters?.migrate_to_chat_id;
    return {
      kind: 'error',
      errorCode,
      description: scrubToken(description, transport.token).slice(0, 512),
      ...(typeof retryAfter === 'number' && retryAfter >= 0 ? { retryAfterMs: retryAfter * 1_000 } : {}),
      ...(typeof migrateTo === 'number' ? { migrateToChatId: migrateTo } : {}),
    };
  } catch (error) {
    if (isAborted(signal)) throw new AbortedError(`Telegram ${method} was aborted`);
    const reason = controller.signal.aborted
      ? 'timed out'
      : error instanceof Error
        ? error.message
        : 'failed';
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return { kind: 'network', description: scrubToken(`${reason}${cause}`, transport.token).slice(0, 512) };
  } finally {
    transport.clock.clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}
