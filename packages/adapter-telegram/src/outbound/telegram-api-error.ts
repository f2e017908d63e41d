import { BotkeelError } from '@botkeel/core';

/** The codes a {@link TelegramApiError} carries. */
export type TelegramApiErrorCode = 'TELEGRAM_API_ERROR' | 'CHAT_UNREACHABLE' | 'RETRY_AFTER_TOO_LONG';

/** The fields of a {@link TelegramApiError} besides its code. */
export interface TelegramApiErrorDetails {
  /** The Bot API method, e.g. `'sendMessage'`. */
  readonly method: string;
  /** Telegram's `error_code` (an HTTP status), or 0 when no answer arrived. */
  readonly errorCode: number;
  /** Telegram's `description`, e.g. `'Forbidden: bot was blocked by the user'`. */
  readonly description: string;
  /** `parameters.retry_after` in milliseconds, when Telegram asked to wait. */
  readonly retryAfterMs?: number;
  /** Whether repeating the call later may succeed. */
  readonly retryable: boolean;
}

/**
 * An error answer of the Bot API, keeping Telegram's `error_code`, `description` and `retry_after`.
 * Its `code` is `CHAT_UNREACHABLE` for a 403 (blocked, kicked, deactivated: never retried),
 * `RETRY_AFTER_TOO_LONG` when a 429 asked to wait longer than the client's cap, and
 * `TELEGRAM_API_ERROR` otherwise. The bot token never appears in it.
 *
 * @example
 * ```ts
 * try {
 *   await client.sendMessage('42', 'hello');
 * } catch (error) {
 *   if (BotkeelError.hasCode(error, 'CHAT_UNREACHABLE')) await markBlocked('42');
 * }
 * ```
 */
export class TelegramApiError extends BotkeelError {
  override readonly name = 'TelegramApiError';
  /** The Bot API method that failed. */
  readonly method: string;
  /** Telegram's `error_code`, or 0 when no answer arrived. */
  readonly errorCode: number;
  /** Telegram's `description`. */
  readonly description: string;
  /** How long Telegram asked to wait, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(code: TelegramApiErrorCode, details: TelegramApiErrorDetails) {
    super(code, `Telegram ${details.method} failed (${details.errorCode}): ${details.description}`, {
      retryable: details.retryable,
    });
    this.method = details.method;
    this.errorCode = details.errorCode;
    this.description = details.description;
    this.retryAfterMs = details.retryAfterMs;
  }
}
