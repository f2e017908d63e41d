export {
  updateSchema,
  updateKinds,
  userSchema,
  chatSchema,
  messageEntitySchema,
  photoSizeSchema,
  documentSchema,
  voiceSchema,
  contactSchema,
  repliedMessageSchema,
  messageSchema,
  callbackQuerySchema,
  chatMemberUpdatedSchema,
  preCheckoutQuerySchema,
  type UpdateKind,
  type TelegramUpdate,
  type TelegramMessage,
  type TelegramUser,
  type TelegramChat,
  type TelegramCallbackQuery,
} from './update-schema.js';
export { toBotMessage, type ToBotMessageContext } from './to-bot-message.js';
export {
  parseUntrustedJson,
  type UntrustedJsonLimits,
  type UntrustedJsonResult,
} from './parse-untrusted-json.js';
export {
  telegramWebhookSourceRanges,
  createSourceRangeMatcher,
  type SourceRangeMatcher,
} from './source-ranges.js';
export {
  telegramWebhookOptionsSchema,
  type TelegramWebhookOptions,
  type MessageHandler,
  type UpdateInterceptor,
} from './webhook-options.js';
export { createTelegramWebhook, type TelegramWebhook } from './webhook.js';
