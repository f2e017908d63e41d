import { type Channel } from '@botkeel/core';
import { type TextEntity } from './text-entity.js';

/** One inline keyboard button: its label and the callback data it sends back. */
export interface InlineButton {
  readonly text: string;
  /** Up to 64 bytes, delivered as the callback query's `data`. */
  readonly data: string;
}

/** Options of {@link TelegramClient.sendMessage}. */
export interface SendMessageOptions {
  /**
   * How `text` is formatted: `'plain'` (default), `'markdown'` (LLM Markdown converted to entities:
   * never a parse error), or Telegram's `'HTML'` / `'MarkdownV2'` parse modes (falls back to clean
   * plain text when Telegram cannot parse it).
   */
  format?: 'plain' | 'markdown' | 'HTML' | 'MarkdownV2';
  /** Explicit entities for a plain `text` (overrides `format`). */
  entities?: readonly TextEntity[];
  /** Performs the send once per key, even when a turn is replayed (e.g. `${batchId}:0`). */
  idempotencyKey?: string;
  /** Inline keyboard rows, attached to the last part. */
  buttons?: readonly (readonly InlineButton[])[];
  /** A forum topic to post in. */
  messageThreadId?: number;
  /** Replies to this message (the first part only). */
  replyToMessageId?: number;
  disableNotification?: boolean;
  signal?: AbortSignal;
}

/** A message the bot sent. */
export interface SentMessage {
  readonly chatId: string;
  readonly messageId: number;
}

/** What `getFile` tells about a file. */
export interface TelegramFile {
  readonly fileId: string;
  readonly fileUniqueId: string;
  readonly sizeBytes?: number;
  /** Where to download it (absent for files above the Bot API's 20 MB download limit). */
  readonly filePath?: string;
}

/** Options every call accepts. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** Options of {@link TelegramClient.setWebhook}. */
export interface SetWebhookOptions {
  /** The public HTTPS URL of the webhook. */
  url: string;
  /** Sent back in `X-Telegram-Bot-Api-Secret-Token`; 1–256 characters of `A-Za-z0-9_-`. */
  secretToken: string;
  allowedUpdates?: readonly string[];
  dropPendingUpdates?: boolean;
  maxConnections?: number;
  signal?: AbortSignal;
}

/** Options of {@link TelegramClient.getUpdates}. */
export interface GetUpdatesOptions {
  offset?: number;
  /** At most this many updates (1–100). Default 100. */
  limit?: number;
  /** Long-poll timeout in seconds. Default 25. */
  timeoutSeconds?: number;
  allowedUpdates?: readonly string[];
  signal?: AbortSignal;
}

/**
 * The Telegram Bot API client made by `createTelegramClient`. It is a core {@link Channel}, so a
 * bot can send its replies through it.
 */
export interface TelegramClient extends Channel {
  /** The bot's numeric id, from the token (not secret). */
  readonly botId: string;
  /** Sends `text`, split into several messages when longer than 4,096 UTF-16 units. */
  sendMessage(chatId: string, text: string, options?: SendMessageOptions): Promise<SentMessage[]>;
  /** Shows "typing…" (or another action) in the chat. */
  sendChatAction(chatId: string, action?: string, options?: CallOptions): Promise<void>;
  /** Replaces a message's text (at most 4,096 units; "message is not modified" is not an error). */
  editMessageText(
    chatId: string,
    messageId: number,
    text: string,
    options?: {
      format?: 'plain' | 'markdown';
      /** Explicit entities for a plain `text` (overrides `format`). */
      entities?: readonly TextEntity[];
      buttons?: readonly (readonly InlineButton[])[];
      signal?: AbortSignal;
    },
  ): Promise<void>;
  /** Answers a button press (stops the client's spinner). */
  answerCallbackQuery(
    callbackQueryId: string,
    options?: { text?: string; showAlert?: boolean; signal?: AbortSignal },
  ): Promise<void>;
  /** Sends a photo by `file_id` or URL. */
  sendPhoto(
    chatId: string,
    photo: string,
    options?: { caption?: string; signal?: AbortSignal },
  ): Promise<SentMessage>;
  /** Looks a file up. */
  getFile(fileId: string, options?: CallOptions): Promise<TelegramFile>;
  /** Downloads a file through the SSRF-safe fetch. */
  downloadFile(fileId: string, options?: CallOptions): Promise<{ bytes: Uint8Array; contentType: string }>;
  /** The bot's own user. */
  getMe(options?: CallOptions): Promise<unknown>;
  setWebhook(options: SetWebhookOptions): Promise<void>;
  deleteWebhook(options?: { dropPendingUpdates?: boolean; signal?: AbortSignal }): Promise<void>;
  /** Raw updates (validate each with `updateSchema`). */
  getUpdates(options?: GetUpdatesOptions): Promise<unknown[]>;
  /** Creates a forum topic and answers its `message_thread_id`. */
  createForumTopic(chatId: string, name: string, options?: CallOptions): Promise<number>;
  /**
   * Calls any Bot API method with the client's retries; pass `chatId` to spend flood budget and
   * keep a 429 cooldown to that chat.
   */
  call<T>(
    method: string,
    params: Record<string, unknown>,
    options?: { chatId?: string; signal?: AbortSignal },
  ): Promise<T>;
}
