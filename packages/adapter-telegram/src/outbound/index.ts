export { createTelegramClient } from './telegram-client.js';
export {
  type TelegramClient,
  type SendMessageOptions,
  type SentMessage,
  type TelegramFile,
  type CallOptions,
  type SetWebhookOptions,
  type GetUpdatesOptions,
  type InlineButton,
} from './telegram-client-types.js';
export {
  telegramClientOptionsSchema,
  type TelegramClientOptions,
  type TelegramRetryOptions,
} from './client-options.js';
export {
  TelegramApiError,
  type TelegramApiErrorCode,
  type TelegramApiErrorDetails,
} from './telegram-api-error.js';
export { splitText, telegramMaxMessageLength, type TextPart } from './split-text.js';
export { markdownToEntities, type FormattedText } from './markdown-to-entities.js';
export { toPlainText } from './plain-text.js';
export { type TextEntity } from './text-entity.js';
export { type FetchFunction } from './bot-api-transport.js';
export { createStreamingReply, type StreamingReply, type StreamingReplyOptions } from './streaming-reply.js';
