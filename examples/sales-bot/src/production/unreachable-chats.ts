import { BotkeelError, type Channel, type Clock, type Logger } from '@botkeel/core';
import { type UpdateInterceptor } from '@botkeel/adapter-telegram';
import { metrics } from '@opentelemetry/api';
import { type Redis } from 'ioredis';

/** Options of {@link createUnreachableChats}. */
export interface UnreachableChatsOptions {
  /** The Redis the instances share (not owned: never closed here). */
  client: Redis;
  keyPrefix: string;
  /** How long a chat stays marked when its customer never writes again. Default 180 days. */
  ttlMs?: number;
  logger: Logger;
  clock: Clock;
}

/** Chats Telegram refuses to deliver to (403: the customer blocked the bot, or left), shared by every instance. */
export interface UnreachableChats {
  /** For the Telegram client's `onChatUnreachable`: marks the chat (logged and counted once per episode). */
  mark(chatId: string, description: string): Promise<void>;
  /** True while the chat is marked. A Redis failure answers false: one wasted send beats a lost reply. */
  isUnreachable(chatId: string): Promise<boolean>;
  /** The bot's channel, quiet towards marked chats: sends there are skipped (and counted), and a 403 ends a send without an error, so the turn is not retried. */
  channel(inner: Channel): Channel;
  /** For the webhook: a message from a marked chat means the customer is back (unblocked), so the mark goes. Never consumes the update. */
  readonly interceptor: UpdateInterceptor;
}

const defaultTtlMs = 180 * 24 * 60 * 60 * 1_000;

/**
 * Remembers, in Redis, the chats Telegram answered 403 for. From then on the bot sends nothing there
 * (no retried turns, no dead letters, no more 403s) until the customer writes again; each episode is
 * logged once (`chat unreachable`) and counted in `shop.chats.unreachable`; skipped replies are
 * counted in `shop.sends.skipped`. The conversation itself stays where it was, so a customer who
 * comes back continues it.
 *
 * @example
 * ```ts
 * const unreachable = createUnreachableChats({ client: redis, keyPrefix: 'shop', logger, clock });
 * const telegram = createTelegramClient({ token, onChatUnreachable: (chatId, why) => unreachable.mark(chatId, why) });
 * const { bot } = createShopBot({ channel: unreachable.channel(telegram), ... });
 * const webhook = createTelegramWebhook({ bot, secretToken, botId, interceptors: [unreachable.interceptor, handoff.interceptor] });
 * ```
 */
export function createUnreachableChats(options: UnreachableChatsOptions): UnreachableChats {
  const { client, keyPrefix, logger, clock } = options;
  const ttlMs = options.ttlMs ?? defaultTtlMs;
  const meter = metrics.getMeter('@botkeel/example-sales-bot');
  const marked = meter.createCounter('shop.chats.unreachable', {
    description: 'Chats marked unreachable after Telegram answered 403',
  });
  const skipped = meter.createCounter('shop.sends.skipped', {
    description: 'Messages not sent because their chat is marked unreachable',
  });
  const keyOf = (chatId: string) => `${keyPrefix}:unreachable:{${chatId}}`;

  const isUnreachable = async (chatId: string): Promise<boolean> => {
    try {
      return (await client.exists(keyOf(chatId))) === 1;
    } catch (error) {
      logger.warn({ err: error, chatId }, 'unreachable-chat check failed; sending anyway');
      return false;
    }
  };

  return {
    async mark(chatId, description) {
      const value = JSON.stringify({ description, sinceMs: clock.now() });
      let isFirst: boolean;
      try {
        // NX: only the first 403 of an episode (on any instance) logs and counts.
        isFirst = (await client.set(keyOf(chatId), value, 'PX', ttlMs, 'NX')) === 'OK';
      } catch (error) {
        logger.warn(
          { err: error, chatId, description },
          'chat unreachable, and the mark could not be stored',
        );
        return;
      }
      if (!isFirst) return;
      marked.add(1);
      logger.warn(
        { chatId, description },
        'chat unreachable: no more messages go there until the customer writes',
      );
    },
    isUnreachable,
    channel: (inner) => ({
      name: inner.name,
      async send(message, sendOptions) {
        if (await isUnreachable(message.chatId)) {
          skipped.add(1, { reason: 'chat-unreachable' });
          return;
        }
        try {
          await inner.send(message, sendOptions);
        } catch (error) {
          // The client has marked the chat already (onChatUnreachable); retrying the turn cannot help.
          if (!BotkeelError.hasCode(error, 'CHAT_UNREACHABLE')) throw error;
          skipped.add(1, { reason: 'chat-unreachable' });
        }
      },
    }),
    interceptor: async (update) => {
      const chat = (update.message ?? update.edited_message ?? update.callback_query?.message)?.chat;
      if (chat === undefined) return false;
      try {
        if ((await client.del(keyOf(String(chat.id)))) === 1)
          logger.info({ chatId: String(chat.id) }, 'chat reachable again: the customer wrote');
      } catch (error) {
        logger.warn({ err: error }, 'unreachable-chat unmark failed');
      }
      return false;
    },
  };
}
