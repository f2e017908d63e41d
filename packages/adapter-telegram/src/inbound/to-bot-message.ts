import { type Attachment, type BotMessage } from '@botkeel/core';
import { type TelegramMessage, type TelegramUpdate, type TelegramUser } from './update-schema.js';

/** Context of {@link toBotMessage}. */
export interface ToBotMessageContext {
  /** The bot's numeric id (the part of the token before `:`), part of every dedupe key. */
  botId: string;
  /** The time the update arrived, when the message itself carries none (callback queries). */
  receivedAt?: number;
}

function displayName(user: TelegramUser | undefined): string | undefined {
  if (user === undefined) return undefined;
  return user.last_name === undefined ? user.first_name : `${user.first_name} ${user.last_name}`;
}

function attachmentsOf(message: TelegramMessage): Attachment[] {
  const attachments: Attachment[] = [];
  const largest = message.photo?.reduce((best, size) =>
    size.width * size.height > best.width * best.height ? size : best,
  );
  if (largest !== undefined) {
    attachments.push({
      kind: 'photo',
      fileId: largest.file_id,
      width: largest.width,
      height: largest.height,
      ...(largest.file_size === undefined ? {} : { sizeBytes: largest.file_size }),
    });
  }
  if (message.document !== undefined) {
    const document = message.document;
    attachments.push({
      kind: 'document',
      fileId: document.file_id,
      ...(document.file_size === undefined ? {} : { sizeBytes: document.file_size }),
      ...(document.mime_type === undefined ? {} : { mimeType: document.mime_type }),
      ...(document.file_name === undefined ? {} : { details: { fileName: document.file_name } }),
    });
  }
  if (message.voice !== undefined) {
    const voice = message.voice;
    attachments.push({
      kind: 'voice',
      fileId: voice.file_id,
      ...(voice.file_size === undefined ? {} : { sizeBytes: voice.file_size }),
      ...(voice.mime_type === undefined ? {} : { mimeType: voice.mime_type }),
      details: { durationSeconds: voice.duration },
    });
  }
  if (message.contact !== undefined) {
    const contact = message.contact;
    attachments.push({
      kind: 'contact',
      details: {
        phoneNumber: contact.phone_number,
        firstName: contact.first_name,
        ...(contact.last_name === undefined ? {} : { lastName: contact.last_name }),
        ...(contact.user_id === undefined ? {} : { userId: contact.user_id }),
      },
    });
  }
  return attachments;
}

function fromMessage(
  update: TelegramUpdate,
  message: TelegramMessage,
  context: ToBotMessageContext,
): BotMessage {
  const sender = message.from;
  const senderName = displayName(sender);
  return {
    channel: 'telegram',
    chatId: String(message.chat.id),
    userId: String(sender?.id ?? message.sender_chat?.id ?? message.chat.id),
    messageId: String(message.message_id),
    updateKey: `tg:${context.botId}:${update.update_id}`,
    text: message.text ?? message.caption ?? '',
    attachments: attachmentsOf(message),
    receivedAt: message.date * 1_000,
    ...(sender?.language_code === undefined ? {} : { locale: sender.language_code }),
    ...(senderName === undefined ? {} : { senderName }),
    raw: update,
  };
}

/**
 * Turns a parsed update into a channel-agnostic {@link BotMessage}, or `undefined` for kinds a bot
 * does not converse through (member changes, pre-checkout queries, unknown kinds). The dedupe key is
 * `tg:<botId>:<update_id>`. A callback query becomes a message whose text is the button's data.
 *
 * @example
 * ```ts
 * const message = toBotMessage(updateSchema.parse(body), { botId: '123456' });
 * if (message !== undefined) await bot.handle(message);
 * ```
 */
export function toBotMessage(update: TelegramUpdate, context: ToBotMessageContext): BotMessage | undefined {
  const message = update.message ?? update.edited_message;
  if (message !== undefined) return fromMessage(update, message, context);
  const query = update.callback_query;
  if (query !== undefined) {
    const chatId = query.message?.chat.id ?? query.from.id;
    const senderName = displayName(query.from);
    return {
      channel: 'telegram',
      chatId: String(chatId),
      userId: String(query.from.id),
      messageId: `callback:${query.id}`,
      updateKey: `tg:${context.botId}:${update.update_id}`,
      text: query.data ?? '',
      attachments: [],
      receivedAt: context.receivedAt ?? 0,
      ...(query.from.language_code === undefined ? {} : { locale: query.from.language_code }),
      ...(senderName === undefined ? {} : { senderName }),
      raw: update,
    };
  }
  return undefined;
}
