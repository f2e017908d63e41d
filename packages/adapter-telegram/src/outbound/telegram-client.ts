import {
  BotkeelError,
  type ChatKind,
  createSafeFetch,
  idempotent,
  MemoryFloodControl,
  MemoryIdempotencyStore,
  MetricNames,
  botkeelMeter,
  type OutgoingMessage,
  parseOptions,
  createSafeLogger,
  systemClock,
  TimeoutError,
} from '@botkeel/core';
import { callBotApi, type BotApiAnswer, scrubToken } from './bot-api-transport.js';
import { createChatQueue } from './chat-queue.js';
import { telegramClientOptionsSchema, type TelegramClientOptions } from './client-options.js';
import { markdownToEntities } from './markdown-to-entities.js';
import { toPlainText } from './plain-text.js';
import { sleep } from './sleep.js';
import { splitText, type TextPart } from './split-text.js';
import { TelegramApiError } from './telegram-api-error.js';
import { type TextEntity } from './text-entity.js';
import {
  type InlineButton,
  type SendMessageOptions,
  type SentMessage,
  type TelegramClient,
  type TelegramFile,
} from './telegram-client-types.js';

const parseErrorPattern = /can't parse entities|can't find end of|unsupported start tag|entity beginning/i;
const downloadTypes = ['image/*', 'audio/*', 'video/*', 'application/*', 'text/*'];

/** Group chat ids are negative in the Bot API. */
const chatKindOf = (chatId: string): ChatKind => (chatId.startsWith('-') ? 'group' : 'private');

const keyboard = (buttons: readonly (readonly InlineButton[])[] | undefined) =>
  buttons === undefined || buttons.length === 0
    ? undefined
    : {
        inline_keyboard: buttons.map((row) =>
          row.map((button) => ({ text: button.text, callback_data: button.data })),
        ),
      };

/**
 * Creates the Telegram Bot API client: every send goes through flood control (global, per-chat and
 * per-group budgets; a 429 pauses that chat, or the whole bot for calls not bound to a chat, for
 * every pending send), keeps per-chat order, retries 5xx and network errors with jittered backoff
 * and a finite number of attempts, honours `retry_after` up to a cap (`RETRY_AFTER_TOO_LONG`
 * beyond), re-sends as clean plain text when Telegram "can't parse entities", splits long texts at
 * 4,096 UTF-16 units on paragraph/sentence/word boundaries, and performs a send carrying an
 * idempotency key once. A 403 is `CHAT_UNREACHABLE`, never retried. The token never appears in a
 * log line or an error. The client is also a core `Channel` (`client.send(outgoing)`).
 *
 * @example
 * ```ts
 * const client = createTelegramClient({ token: process.env.TELEGRAM_TOKEN!, flood: new RedisFloodControl({ client: redis, keyPrefix: 'bot' }) });
 * await client.sendMessage('42', '**Hello!** How can I help?', { format: 'markdown' });
 * ```
 */
export function createTelegramClient(options: TelegramClientOptions): TelegramClient {
  const parsed = parseOptions('createTelegramClient', telegramClientOptionsSchema, options);
  const clock = options.clock ?? systemClock;
  const logger = createSafeLogger(options.logger);
  const random = options.random ?? Math.random;
  const flood = options.flood ?? new MemoryFloodControl({ clock });
  const idempotency = options.idempotency ?? new MemoryIdempotencyStore({ clock });
  const download =
    options.download ??
    createSafeFetch({ clock, allowedContentTypes: downloadTypes, maxBytes: 20 * 1_048_576 });
  const { token, apiRoot, retry } = parsed;
  const transport = {
    apiRoot,
    token,
    clock,
    timeoutMs: parsed.requestTimeoutMs,
    fetch: options.fetch ?? ((url: string, init: RequestInit) => fetch(url, init)),
  };
  const queue = createChatQueue();
  const meter = botkeelMeter();
  const sends = meter.createCounter(MetricNames.channelSends);
  const retries = meter.createCounter(MetricNames.channelRetries);
  const parseFallbacks = meter.createCounter(MetricNames.channelParseFallbacks);
  const floodWait = meter.createHistogram(MetricNames.channelFloodWait);
  const botId = token.slice(0, token.indexOf(':'));

  /** Waits for flood budget; the wait (counted from `queuedAt`, when the send was asked for) is bounded. */
  const waitForSlot = async (
    chatId: string,
    signal: AbortSignal | undefined,
    queuedAt: number,
  ): Promise<void> => {
    const startedAt = clock.now();
    for (;;) {
      const decision = await flood.acquire(
        { chatId, chatKind: chatKindOf(chatId) },
        signal === undefined ? {} : { signal },
      );
      if (decision.allowed) break;
      if (decision.reason === 'cooldown' && decision.waitMs > retry.maxRetryAfterMs) {
        throw new TelegramApiError('RETRY_AFTER_TOO_LONG', {
          method: 'flood',
          errorCode: 429,
          description: `chat ${chatId} is paused for ${decision.waitMs} ms, above the ${retry.maxRetryAfterMs} ms cap`,
          retryAfterMs: decision.waitMs,
          retryable: false,
        });
      }
      if (clock.now() - queuedAt + decision.waitMs > parsed.maxQueueWaitMs) {
        throw new TimeoutError(
          `Send to chat ${chatId} would wait past ${parsed.maxQueueWaitMs} ms`,
          parsed.maxQueueWaitMs,
        );
      }
      await sleep(clock, decision.waitMs, signal);
    }
    floodWait.record(clock.now() - startedAt);
  };

  const backoffMs = (attempt: number): number =>
    Math.floor(random() * Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1)));

  const toError = (
    method: string,
    answer: Exclude<BotApiAnswer, { kind: 'ok' }>,
    retryable: boolean,
  ): TelegramApiError => {
    if (answer.kind === 'network') {
      return new TelegramApiError('TELEGRAM_API_ERROR', {
        method,
        errorCode: 0,
        description: `network error: ${answer.description}`,
        retryable,
      });
    }
    return new TelegramApiError('TELEGRAM_API_ERROR', {
      method,
      errorCode: answer.errorCode,
      description: answer.description,
      ...(answer.retryAfterMs === undefined ? {} : { retryAfterMs: answer.retryAfterMs }),
      retryable,
    });
  };

  /** One Bot API call with flood control (when bound to a chat), 429 cooldowns and bounded retries. */
  const call = async <T>(
    method: string,
    params: Record<string, unknown>,
    callOptions: {
      chatId?: string;
      signal?: AbortSignal;
      isFlooded?: boolean;
      extraTimeoutMs?: number;
      queuedAt?: number;
    },
  ): Promise<T> => {
    const { chatId, signal } = callOptions;
    const isFlooded = callOptions.isFlooded ?? chatId !== undefined;
    const callTransport =
      callOptions.extraTimeoutMs === undefined
        ? transport
        : { ...transport, timeoutMs: transport.timeoutMs + callOptions.extraTimeoutMs };
    for (let attempt = 1; ; attempt += 1) {
      if (isFlooded && chatId !== undefined)
        await waitForSlot(chatId, signal, callOptions.queuedAt ?? clock.now());
      const answer = await callBotApi(callTransport, method, params, signal);
      if (answer.kind === 'ok') {
        sends.add(1, { method, outcome: 'ok' });
        return answer.result as T;
      }
      const isLast = attempt >= retry.maxAttempts;
      if (answer.kind === 'error' && answer.errorCode === 403) {
        sends.add(1, { method, outcome: 'unreachable' });
        if (chatId !== undefined) await options.onChatUnreachable?.(chatId, answer.description);
        throw new TelegramApiError('CHAT_UNREACHABLE', {
          method,
          errorCode: 403,
          description: answer.description,
          retryable: false,
        });
      }
      if (answer.kind === 'error' && answer.errorCode === 429) {
        const retryAfterMs = answer.retryAfterMs ?? retry.baseDelayMs;
        if (retryAfterMs > retry.maxRetryAfterMs) {
          throw new TelegramApiError('RETRY_AFTER_TOO_LONG', {
            method,
            errorCode: 429,
            description: `${answer.description} (retry after ${retryAfterMs} ms is above the ${retry.maxRetryAfterMs} ms cap)`,
            retryAfterMs,
            retryable: false,
          });
        }
        await flood.pause(chatId === undefined ? 'global' : { chatId }, retryAfterMs);
        if (isLast) throw toError(method, answer, true);
        retries.add(1, { method, reason: '429' });
        logger.warn({ method, chatId, retryAfterMs, attempt }, 'telegram asked to slow down');
        if (!isFlooded) await sleep(clock, retryAfterMs, signal);
        continue;
      }
      const isRetryable = answer.kind === 'network' || answer.errorCode >= 500;
      if (!isRetryable || isLast) {
        sends.add(1, { method, outcome: 'error' });
        throw toError(method, answer, isRetryable);
      }
      const delayMs = backoffMs(attempt);
      retries.add(1, { method, reason: answer.kind === 'network' ? 'network' : '5xx' });
      logger.warn(
        { method, chatId, attempt, delayMs, description: answer.description },
        'telegram call failed, retrying',
      );
      await sleep(clock, delayMs, signal);
    }
  };

  const formatText = (
    text: string,
    sendOptions: SendMessageOptions,
  ): { parts: TextPart[]; parseMode?: 'HTML' | 'MarkdownV2' } => {
    const format = sendOptions.format ?? 'plain';
    if (sendOptions.entities !== undefined) return { parts: splitText(text, sendOptions.entities) };
    if (format === 'markdown') {
      const formatted = markdownToEntities(text);
      return { parts: splitText(formatted.text, formatted.entities) };
    }
    if (format === 'plain') return { parts: splitText(text, []) };
    // Markup is split outside its tags and escapes; a part Telegram cannot parse falls back to plain text.
    const markup: TextEntity[] = [];
    const pattern = format === 'HTML' ? /<[^<>]*>|&[#a-z0-9]{1,8};/gi : /\\./g;
    for (const match of text.matchAll(pattern))
      markup.push({ type: 'code', offset: match.index, length: match[0].length });
    return {
      parts: splitText(text, markup).map((part) => ({ text: part.text, entities: [] })),
      parseMode: format,
    };
  };

  const sendPart = async (
    chatId: string,
    part: TextPart,
    parseMode: 'HTML' | 'MarkdownV2' | undefined,
    extra: Record<string, unknown>,
    signal: AbortSignal | undefined,
    queuedAt: number,
  ): Promise<SentMessage> => {
    const base = { chat_id: chatId, ...extra };
    const formatted = {
      ...base,
      text: part.text,
      ...(part.entities.length > 0 ? { entities: part.entities } : {}),
      ...(parseMode === undefined ? {} : { parse_mode: parseMode }),
    };
    try {
      const result = await call<{ message_id: number }>('sendMessage', formatted, {
        chatId,
        queuedAt,
        ...(signal === undefined ? {} : { signal }),
      });
      return { chatId, messageId: result.message_id };
    } catch (error) {
      const isFormatted = parseMode !== undefined || part.entities.length > 0;
      if (
        !(error instanceof TelegramApiError) ||
        error.errorCode !== 400 ||
        !isFormatted ||
        !parseErrorPattern.test(error.description)
      ) {
        throw error;
      }
      parseFallbacks.add(1, { method: 'sendMessage' });
      logger.warn(
        { chatId, description: error.description },
        'telegram could not parse the formatting; sending plain text',
      );
      const plain = parseMode === undefined ? part.text : toPlainText(part.text, parseMode);
      const result = await call<{ message_id: number }>(
        'sendMessage',
        { ...base, text: plain },
        { chatId, ...(signal === undefined ? {} : { signal }) },
      );
      return { chatId, messageId: result.message_id };
    }
  };

  const sendMessageNow = (
    chatId: string,
    text: string,
    sendOptions: SendMessageOptions,
  ): Promise<SentMessage[]> => {
    const queuedAt = clock.now();
    return queue.run(chatId, async () => {
      const { parts, parseMode } = formatText(text, sendOptions);
      const sendable = parts.filter((part) => part.text.trim() !== '');
      const sent: SentMessage[] = [];
      for (const [index, part] of sendable.entries()) {
        const isLast = index === sendable.length - 1;
        const markup = isLast ? keyboard(sendOptions.buttons) : undefined;
        const extra = {
          ...(sendOptions.messageThreadId === undefined
            ? {}
            : { message_thread_id: sendOptions.messageThreadId }),
          ...(sendOptions.replyToMessageId === undefined || index > 0
            ? {}
            : {
                reply_parameters: {
                  message_id: sendOptions.replyToMessageId,
                  allow_sending_without_reply: true,
                },
              }),
          ...(sendOptions.disableNotification === true ? { disable_notification: true } : {}),
          ...(markup === undefined ? {} : { reply_markup: markup }),
        };
        sent.push(await sendPart(chatId, part, parseMode, extra, sendOptions.signal, queuedAt));
      }
      return sent;
    });
  };

  const client: TelegramClient = {
    name: 'telegram',
    botId,
    async sendMessage(chatId, text, sendOptions = {}) {
      const key = sendOptions.idempotencyKey;
      if (key === undefined) return sendMessageNow(chatId, text, sendOptions);
      return idempotent(
        idempotency,
        `telegram:${botId}:send:${key}`,
        () => sendMessageNow(chatId, text, sendOptions),
        {
          ttlMs: parsed.idempotencyTtlMs,
          leaseMs: parsed.maxQueueWaitMs + parsed.requestTimeoutMs * retry.maxAttempts,
          clock,
          ...(sendOptions.signal === undefined ? {} : { signal: sendOptions.signal }),
        },
      );
    },
    async send(message: OutgoingMessage, sendOptions = {}) {
      await client.sendMessage(message.chatId, message.text, {
        format: 'markdown',
        ...(message.idempotencyKey === undefined ? {} : { idempotencyKey: message.idempotencyKey }),
        ...(message.buttons === undefined ? {} : { buttons: message.buttons.map((button) => [button]) }),
        ...(sendOptions.signal === undefined ? {} : { signal: sendOptions.signal }),
      });
    },
    async sendChatAction(chatId, action = 'typing', callOptions = {}) {
      await call('sendChatAction', { chat_id: chatId, action }, { chatId, isFlooded: false, ...callOptions });
    },
    editMessageText(chatId, messageId, text, editOptions = {}) {
      return queue.run(chatId, async () => {
        const formatted =
          editOptions.entities !== undefined
            ? { text, entities: editOptions.entities }
            : editOptions.format === 'markdown'
              ? markdownToEntities(text)
              : { text, entities: [] };
        const params = {
          chat_id: chatId,
          message_id: messageId,
          text: formatted.text.slice(0, 4_096),
          ...(formatted.entities.length > 0
            ? { entities: splitText(formatted.text, formatted.entities)[0]?.entities ?? [] }
            : {}),
          ...(editOptions.buttons === undefined ? {} : { reply_markup: keyboard(editOptions.buttons) }),
        };
        try {
          await call('editMessageText', params, {
            chatId,
            ...(editOptions.signal === undefined ? {} : { signal: editOptions.signal }),
          });
        } catch (error) {
          // Editing to the same text is not a failure.
          if (
            error instanceof TelegramApiError &&
            error.errorCode === 400 &&
            /message is not modified/i.test(error.description)
          )
            return;
          throw error;
        }
      });
    },
    async answerCallbackQuery(callbackQueryId, answerOptions = {}) {
      await call(
        'answerCallbackQuery',
        {
          callback_query_id: callbackQueryId,
          ...(answerOptions.text === undefined ? {} : { text: answerOptions.text }),
          ...(answerOptions.showAlert === true ? { show_alert: true } : {}),
        },
        { isFlooded: false, ...(answerOptions.signal === undefined ? {} : { signal: answerOptions.signal }) },
      );
    },
    sendPhoto(chatId, photo, photoOptions = {}) {
      return queue.run(chatId, async () => {
        const result = await call<{ message_id: number }>(
          'sendPhoto',
          {
            chat_id: chatId,
            photo,
            ...(photoOptions.caption === undefined ? {} : { caption: photoOptions.caption.slice(0, 1_024) }),
          },
          { chatId, ...(photoOptions.signal === undefined ? {} : { signal: photoOptions.signal }) },
        );
        return { chatId, messageId: result.message_id };
      });
    },
    async getFile(fileId, callOptions = {}) {
      const file = await call<{
        file_id: string;
        file_unique_id: string;
        file_size?: number;
        file_path?: string;
      }>('getFile', { file_id: fileId }, { isFlooded: false, ...callOptions });
      return {
        fileId: file.file_id,
        fileUniqueId: file.file_unique_id,
        ...(file.file_size === undefined ? {} : { sizeBytes: file.file_size }),
        ...(file.file_path === undefined ? {} : { filePath: file.file_path }),
      } satisfies TelegramFile;
    },
    async downloadFile(fileId, callOptions = {}) {
      const file = await client.getFile(fileId, callOptions);
      if (file.filePath === undefined) {
        throw new TelegramApiError('TELEGRAM_API_ERROR', {
          method: 'getFile',
          errorCode: 0,
          description: 'no file_path (file too big for the Bot API?)',
          retryable: false,
        });
      }
      const path = file.filePath.split('/').map(encodeURIComponent).join('/');
      try {
        const result = await download(`${apiRoot}/file/bot${token}/${path}`, callOptions);
        return { bytes: result.bytes, contentType: result.contentType };
      } catch (error) {
        if (BotkeelError.isInstance(error)) {
          throw new BotkeelError(
            error.code,
            `Telegram file download failed: ${scrubToken(error.message, token)}`,
            { retryable: error.retryable },
          );
        }
        throw new BotkeelError('PROVIDER_ERROR', 'Telegram file download failed');
      }
    },
    async getMe(callOptions = {}) {
      return call('getMe', {}, { isFlooded: false, ...callOptions });
    },
    async setWebhook(webhookOptions) {
      await call(
        'setWebhook',
        {
          url: webhookOptions.url,
          secret_token: webhookOptions.secretToken,
          ...(webhookOptions.allowedUpdates === undefined
            ? {}
            : { allowed_updates: webhookOptions.allowedUpdates }),
          ...(webhookOptions.dropPendingUpdates === true ? { drop_pending_updates: true } : {}),
          ...(webhookOptions.maxConnections === undefined
            ? {}
            : { max_connections: webhookOptions.maxConnections }),
        },
        {
          isFlooded: false,
          ...(webhookOptions.signal === undefined ? {} : { signal: webhookOptions.signal }),
        },
      );
    },
    async deleteWebhook(deleteOptions = {}) {
      await call(
        'deleteWebhook',
        deleteOptions.dropPendingUpdates === true ? { drop_pending_updates: true } : {},
        { isFlooded: false, ...(deleteOptions.signal === undefined ? {} : { signal: deleteOptions.signal }) },
      );
    },
    async getUpdates(updateOptions = {}) {
      const timeoutSeconds = updateOptions.timeoutSeconds ?? 25;
      return call<unknown[]>(
        'getUpdates',
        {
          ...(updateOptions.offset === undefined ? {} : { offset: updateOptions.offset }),
          limit: updateOptions.limit ?? 100,
          timeout: timeoutSeconds,
          ...(updateOptions.allowedUpdates === undefined
            ? {}
            : { allowed_updates: updateOptions.allowedUpdates }),
        },
        {
          isFlooded: false,
          extraTimeoutMs: timeoutSeconds * 1_000,
          ...(updateOptions.signal === undefined ? {} : { signal: updateOptions.signal }),
        },
      );
    },
    async createForumTopic(chatId, name, callOptions = {}) {
      const topic = await call<{ message_thread_id: number }>(
        'createForumTopic',
        { chat_id: chatId, name: name.slice(0, 128) },
        { chatId, ...callOptions },
      );
      return topic.message_thread_id;
    },
    call: (method, params, callOptions = {}) => call(method, params, callOptions),
  };
  return client;
}
