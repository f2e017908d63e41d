import {
  type Clock,
  type Handoff,
  type HandoffRequest,
  type HandoffStateStore,
  MemoryHandoffStateStore,
  type Logger,
  parseOptions,
  createSafeLogger,
  systemClock,
} from '@botkeel/core';
import { z } from 'zod';
import { type TelegramMessage, type TelegramUpdate } from '../inbound/update-schema.js';
import { type UpdateInterceptor } from '../inbound/webhook-options.js';
import { type TelegramClient } from '../outbound/telegram-client-types.js';

/** Options of {@link createTelegramHandoff}. */
export interface TelegramHandoffOptions {
  /** Sends the summaries, relays and forwards. */
  client: TelegramClient;
  /** The managers' group (a supergroup id like `-100…`). */
  managersChatId: string;
  /** Opens one forum topic per customer in the managers' group (it must be a forum). Default false. */
  topicPerChat?: boolean;
  /** Which chats are with a human. Default a {@link MemoryHandoffStateStore}. */
  state?: HandoffStateStore;
  /** How many recent messages the summary shows. Default 10. */
  recentMessages?: number;
  logger?: Logger;
  clock?: Clock;
}

/** The Telegram handoff: core's `Handoff` port plus the pieces that relay between managers and customers. */
export interface TelegramHandoff extends Handoff {
  /**
   * Add to the webhook's (or long polling's) `interceptors`: consumes managers' messages (relayed to
   * the customer; `/release` hands back), release buttons, and customers' messages while a human has
   * their chat (forwarded to the managers, no bot reply).
   */
  readonly interceptor: UpdateInterceptor;
  /** Whether a human has the chat. */
  isHandedOff(chatId: string): Promise<boolean>;
  /** Hands the chat back to the bot. */
  release(chatId: string): Promise<void>;
}

const optionsSchema = z.object({
  client: z.custom<TelegramClient>(
    (value) => typeof (value as TelegramClient | undefined)?.sendMessage === 'function',
  ),
  managersChatId: z.string().regex(/^-\d{1,20}$/, 'must be a group chat id (negative)'),
  topicPerChat: z.boolean().default(false),
  state: z
    .custom<HandoffStateStore>((value) => typeof (value as HandoffStateStore | undefined)?.get === 'function')
    .optional(),
  recentMessages: z.number().int().min(0).max(50).default(10),
  logger: z.custom<Logger>((value) => typeof (value as Logger | undefined)?.warn === 'function').optional(),
  clock: z.custom<Clock>((value) => typeof (value as Clock | undefined)?.now === 'function').optional(),
});

/** Every message to the managers carries this tag, so a reply finds its customer on any instance. */
const chatTag = (chatId: string): string => `#chat${chatId.replace('-', 'g')}`;
const tagPattern = /#chat(g?\d{1,20})/;
const chatFromTag = (text: string | undefined): string | undefined => {
  const match = tagPattern.exec(text ?? '');
  return match?.[1] === undefined ? undefined : match[1].replace('g', '-');
};

const customerLine = (request: HandoffRequest): string => {
  const name = request.customer?.name ?? 'Customer';
  const username = request.customer?.username === undefined ? '' : ` (@${request.customer.username})`;
  return `${name}${username}`;
};

/**
 * Creates the human handoff for Telegram (core's `Handoff` port). `notify` posts a summary to the
 * managers' group — or into a forum topic per customer — with the customer's name and username, the
 * reason, the conversation state and the last messages, plus a release button. While the chat is with
 * a human, the customer's messages are forwarded there and the bot stays silent; a manager's reply to
 * any message of that customer (or any message in their topic) is relayed to the customer; `/release`
 * or the button hands the chat back to the bot. Relays are idempotent per update, so redeliveries
 * don't duplicate them.
 *
 * @example
 * ```ts
 * const handoff = createTelegramHandoff({ client, managersChatId: '-1001234567890', topicPerChat: true });
 * const webhook = createTelegramWebhook({ bot, botId: client.botId, secretToken, interceptors: [handoff.interceptor] });
 * ```
 */
export function createTelegramHandoff(options: TelegramHandoffOptions): TelegramHandoff {
  const parsed = parseOptions('createTelegramHandoff', optionsSchema, options);
  const { client, managersChatId, topicPerChat } = parsed;
  const state = options.state ?? new MemoryHandoffStateStore();
  const clock = options.clock ?? systemClock;
  const logger = createSafeLogger(options.logger);

  const release = async (chatId: string): Promise<void> => {
    const current = await state.get(chatId);
    await state.delete(chatId);
    if (current !== undefined) {
      await client.sendMessage(managersChatId, `Chat ${chatTag(chatId)} is back with the bot.`, {
        ...(current.threadId === undefined ? {} : { messageThreadId: current.threadId }),
      });
    }
  };

  /** The customer a managers' message is about: the tag of what it replies to (a summary, a forward, the topic). */
  const customerOf = (message: TelegramMessage): string | undefined =>
    chatFromTag(message.reply_to_message?.text) ??
    chatFromTag(message.reply_to_message?.forum_topic_created?.name);

  const fromManagers = async (update: TelegramUpdate, message: TelegramMessage): Promise<void> => {
    if (message.from?.is_bot === true) return;
    const customer = customerOf(message);
    const text = message.text ?? message.caption ?? '';
    if (/^\/release(@\w+)?(\s|$)/.test(text)) {
      const target = customer ?? chatFromTag(text);
      if (target !== undefined) await release(target);
      return;
    }
    if (customer === undefined || text === '' || (await state.get(customer)) === undefined) return;
    await client.sendMessage(customer, text, { idempotencyKey: `handoff-relay:${update.update_id}` });
  };

  const fromCustomer = async (update: TelegramUpdate, message: TelegramMessage): Promise<boolean> => {
    const chatId = String(message.chat.id);
    const current = await state.get(chatId);
    if (current === undefined) return false;
    const sender = message.from === undefined ? 'Customer' : message.from.first_name;
    const text = message.text ?? message.caption ?? '[attachment]';
    await client.sendMessage(managersChatId, `${sender} ${chatTag(chatId)}:\n${text}`, {
      idempotencyKey: `handoff-forward:${update.update_id}`,
      ...(current.threadId === undefined ? {} : { messageThreadId: current.threadId }),
    });
    return true;
  };

  const interceptor: UpdateInterceptor = async (update) => {
    const query = update.callback_query;
    if (query !== undefined && String(query.message?.chat.id) === managersChatId) {
      const target = /^release:(-?\d{1,20})$/.exec(query.data ?? '')?.[1];
      if (target !== undefined) await release(target);
      await client.answerCallbackQuery(query.id, {
        text: target === undefined ? 'Unknown action' : 'Released',
      });
      return true;
    }
    const message = update.message ?? update.edited_message;
    if (message === undefined) return false;
    // Nothing said in the managers' group ever reaches the bot.
    if (String(message.chat.id) === managersChatId) {
      await fromManagers(update, message);
      return true;
    }
    return fromCustomer(update, message);
  };

  return {
    async notify(request: HandoffRequest, callOptions: { signal?: AbortSignal } = {}): Promise<void> {
      const previous = await state.get(request.chatId);
      let threadId = previous?.threadId;
      if (topicPerChat && threadId === undefined) {
        threadId = await client.createForumTopic(
          managersChatId,
          `${customerLine(request)} ${chatTag(request.chatId)}`,
          callOptions,
        );
      }
      // One episode per handoff: a repeated notify (redelivery, retry) keeps its start, so its key.
      const since = previous?.since ?? clock.now();
      await state.set(request.chatId, {
        since,
        reason: request.reason,
        ...(threadId === undefined ? {} : { threadId }),
      });
      const recent = request.recentMessages.slice(-parsed.recentMessages);
      const lines = [
        `Handoff ${chatTag(request.chatId)}: ${customerLine(request)}`,
        `Reason: ${request.reason}`,
        `State: ${request.state}`,
        ...(recent.length === 0
          ? []
          : [
              '',
              'Last messages:',
              ...recent.map((entry) => `${entry.from === 'user' ? 'Customer' : 'Bot'}: ${entry.text}`),
            ]),
        '',
        'Reply to this message to answer the customer; /release hands the chat back to the bot.',
      ];
      await client.sendMessage(managersChatId, lines.join('\n'), {
        idempotencyKey: `handoff:${request.chatId}:${since}:${request.reason}`,
        buttons: [[{ text: 'Release to bot', data: `release:${request.chatId}` }]],
        ...(threadId === undefined ? {} : { messageThreadId: threadId }),
        ...(callOptions.signal === undefined ? {} : { signal: callOptions.signal }),
      });
      logger.info({ chatId: request.chatId, reason: request.reason }, 'chat handed to the managers');
    },
    interceptor,
    isHandedOff: async (chatId) => (await state.get(chatId)) !== undefined,
    release,
  };
}
