import { type Ack, type BotMessage, type Clock, type Logger } from '@botkeel/core';
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { type TelegramUpdate } from './update-schema.js';

/** Anything that accepts a {@link BotMessage} and answers an {@link Ack}, e.g. a Botkeel bot. */
export interface MessageHandler {
  /** Durably accepts (or refuses) one message. */
  handle(message: BotMessage): Promise<Ack>;
}

/**
 * Looks at a parsed update before the bot does; answering true consumes it (the bot never sees it).
 * The Telegram handoff uses this to relay managers' replies and to hold chats a human has taken over.
 */
export type UpdateInterceptor = (update: TelegramUpdate) => boolean | Promise<boolean>;

/** Options of `createTelegramWebhook`. */
export interface TelegramWebhookOptions {
  /** Receives every update that converts to a message. */
  bot: MessageHandler;
  /** The bot's numeric id (the token's part before `:`), used in dedupe keys. */
  botId: string;
  /** The secret registered with `setWebhook`: 1–256 characters of `A-Za-z0-9_-`. */
  secretToken: string;
  /** Bodies longer than this are refused with 413 while reading. Default 1 MiB. */
  maxBodyBytes?: number;
  /** When set, only these CIDR ranges may call (e.g. `telegramWebhookSourceRanges`); others get 403. */
  allowedSourceRanges?: readonly string[];
  /** When true, the client address is the last `X-Forwarded-For` entry (one trusted proxy in front). */
  trustProxy?: boolean;
  /** Deepest JSON nesting accepted. Default 64. */
  maxDepth?: number;
  /** Most JSON object keys accepted per body. Default 10,000. */
  maxKeys?: number;
  /** Called in order before the bot; the first that answers true consumes the update. */
  interceptors?: readonly UpdateInterceptor[];
  /** Where refusals and failures are logged (never the secret). */
  logger?: Logger;
  /** Source of `receivedAt` for callback queries. Default `systemClock`. */
  clock?: Clock;
}

const isCidr = (value: string): boolean => {
  try {
    ipaddr.parseCIDR(value);
    return true;
  } catch {
    return false;
  }
};

/** The zod schema of {@link TelegramWebhookOptions}. */
export const telegramWebhookOptionsSchema = z.object({
  bot: z.custom<MessageHandler>(
    (value) => typeof (value as MessageHandler | undefined)?.handle === 'function',
    {
      message: 'must have a handle(message) method',
    },
  ),
  botId: z.string().regex(/^\d{1,20}$/, 'must be the numeric bot id'),
  secretToken: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1-256 characters of A-Za-z0-9_-'),
  maxBodyBytes: z
    .number()
    .int()
    .positive()
    .max(64 * 1_048_576)
    .default(1_048_576),
  allowedSourceRanges: z
    .array(z.string().refine(isCidr, 'must be a CIDR range like 149.154.160.0/20'))
    .optional(),
  trustProxy: z.boolean().default(false),
  maxDepth: z.number().int().positive().max(1_000).default(64),
  maxKeys: z.number().int().positive().max(1_000_000).default(10_000),
  interceptors: z.array(z.custom<UpdateInterceptor>((value) => typeof value === 'function')).default([]),
  logger: z.custom<Logger>((value) => typeof (value as Logger | undefined)?.warn === 'function').optional(),
  clock: z.custom<Clock>((value) => typeof (value as Clock | undefined)?.now === 'function').optional(),
});
