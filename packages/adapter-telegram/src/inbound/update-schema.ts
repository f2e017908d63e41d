import { z } from 'zod';

const positiveId = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const chatId = z
  .number()
  .int()
  .min(-Number.MAX_SAFE_INTEGER)
  .max(Number.MAX_SAFE_INTEGER)
  .refine((value) => value !== 0, 'chat id must not be 0');
const shortText = z.string().max(1_024);
const longText = z.string().max(65_536);
const fileSize = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** A Telegram user (the fields a bot uses; others are ignored). */
export const userSchema = z.object({
  id: positiveId,
  is_bot: z.boolean(),
  first_name: shortText,
  last_name: shortText.optional(),
  username: shortText.optional(),
  language_code: z.string().max(35).optional(),
});

/** A Telegram chat. */
export const chatSchema = z.object({
  id: chatId,
  type: z.enum(['private', 'group', 'supergroup', 'channel']),
  title: shortText.optional(),
  username: shortText.optional(),
  first_name: shortText.optional(),
  last_name: shortText.optional(),
  is_forum: z.boolean().optional(),
});

/** A formatting entity of a message (bold, link, code, …). */
export const messageEntitySchema = z.object({
  type: z.string().max(64),
  offset: z.number().int().nonnegative(),
  length: z.number().int().nonnegative(),
  url: longText.optional(),
  language: shortText.optional(),
});

const fileFields = {
  file_id: shortText,
  file_unique_id: shortText,
  file_size: fileSize.optional(),
};

/** One size of a photo. */
export const photoSizeSchema = z.object({
  ...fileFields,
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
});
/** A general file. */
export const documentSchema = z.object({
  ...fileFields,
  file_name: shortText.optional(),
  mime_type: shortText.optional(),
});
/** A voice note. */
export const voiceSchema = z.object({
  ...fileFields,
  duration: z.number().int().nonnegative(),
  mime_type: shortText.optional(),
});
/** A shared contact. */
export const contactSchema = z.object({
  phone_number: shortText,
  first_name: shortText,
  last_name: shortText.optional(),
  user_id: positiveId.optional(),
});

/** The message a message replies to (only its identity and text; Telegram nests one level). */
export const repliedMessageSchema = z.object({
  message_id: positiveId,
  message_thread_id: positiveId.optional(),
  from: userSchema.optional(),
  chat: chatSchema,
  date: z.number().int().nonnegative(),
  text: longText.optional(),
  /** Set on the service message that opened a forum topic (what topic messages reply to). */
  forum_topic_created: z.object({ name: shortText }).optional(),
});

/** A message (also an edited message or a channel post). */
export const messageSchema = z.object({
  message_id: positiveId,
  message_thread_id: positiveId.optional(),
  from: userSchema.optional(),
  sender_chat: chatSchema.optional(),
  date: z.number().int().nonnegative(),
  chat: chatSchema,
  is_topic_message: z.boolean().optional(),
  reply_to_message: repliedMessageSchema.optional(),
  text: longText.optional(),
  caption: longText.optional(),
  entities: z.array(messageEntitySchema).max(1_000).optional(),
  caption_entities: z.array(messageEntitySchema).max(1_000).optional(),
  photo: z.array(photoSizeSchema).max(32).optional(),
  document: documentSchema.optional(),
  voice: voiceSchema.optional(),
  contact: contactSchema.optional(),
});

/** A press of an inline keyboard button. */
export const callbackQuerySchema = z.object({
  id: shortText,
  from: userSchema,
  message: z
    .object({ message_id: positiveId, chat: chatSchema, message_thread_id: positiveId.optional() })
    .optional(),
  inline_message_id: shortText.optional(),
  chat_instance: shortText,
  data: z.string().max(256).optional(),
});

const chatMemberSchema = z.object({ status: z.string().max(32), user: userSchema });

/** A change of the bot's (or a member's) status in a chat, e.g. the user blocked the bot. */
export const chatMemberUpdatedSchema = z.object({
  chat: chatSchema,
  from: userSchema,
  date: z.number().int().nonnegative(),
  old_chat_member: chatMemberSchema,
  new_chat_member: chatMemberSchema,
});

/** A payment about to be confirmed; the bot must answer it within 10 seconds. */
export const preCheckoutQuerySchema = z.object({
  id: shortText,
  from: userSchema,
  currency: z.string().length(3),
  total_amount: z.number().int(),
  invoice_payload: z.string().max(128),
});

/** The update kinds Botkeel parses; any other kind is accepted and ignored. */
export const updateKinds = [
  'message',
  'edited_message',
  'callback_query',
  'my_chat_member',
  'chat_member',
  'pre_checkout_query',
] as const;

/** One of {@link updateKinds}. */
export type UpdateKind = (typeof updateKinds)[number];

/**
 * The zod schema of one Bot API update: a positive safe-integer `update_id` and at most one of the
 * kinds in {@link updateKinds}. Unknown fields and unknown kinds are accepted and dropped, so Telegram
 * never redelivers an update the bot does not use.
 *
 * @example
 * ```ts
 * const result = updateSchema.safeParse(JSON.parse(body));
 * if (result.success && result.data.message !== undefined) console.log(result.data.message.text);
 * ```
 */
export const updateSchema = z
  .object({
    update_id: positiveId,
    message: messageSchema.optional(),
    edited_message: messageSchema.optional(),
    callback_query: callbackQuerySchema.optional(),
    my_chat_member: chatMemberUpdatedSchema.optional(),
    chat_member: chatMemberUpdatedSchema.optional(),
    pre_checkout_query: preCheckoutQuerySchema.optional(),
  })
  .refine((update) => updateKinds.filter((kind) => update[kind] !== undefined).length <= 1, {
    message: 'an update carries at most one kind',
  });

/** A parsed update. */
export type TelegramUpdate = z.output<typeof updateSchema>;
/** A parsed message. */
export type TelegramMessage = z.output<typeof messageSchema>;
/** A parsed user. */
export type TelegramUser = z.output<typeof userSchema>;
/** A parsed chat. */
export type TelegramChat = z.output<typeof chatSchema>;
/** A parsed callback query. */
export type TelegramCallbackQuery = z.output<typeof callbackQuerySchema>;
