import {
  type Clock,
  type FloodControl,
  type IdempotencyStore,
  type Logger,
  type SafeFetch,
} from '@botkeel/core';
import { z } from 'zod';
import { type FetchFunction } from './bot-api-transport.js';

/** Retry policy of the Telegram client; every bound is finite. */
export interface TelegramRetryOptions {
  /** Attempts per call, the first included. Default 5. */
  maxAttempts?: number;
  /** First backoff for 5xx and network errors (full jitter, doubling). Default 500. */
  baseDelayMs?: number;
  /** Largest backoff. Default 15,000. */
  maxDelayMs?: number;
  /** Longest `retry_after` honoured; a longer one fails with `RETRY_AFTER_TOO_LONG`. Default 60,000. */
  maxRetryAfterMs?: number;
}

/** Options of `createTelegramClient`. */
export interface TelegramClientOptions {
  /** The bot token from @BotFather. Never logged, never in an error. */
  token: string;
  /** The Bot API root: a self-hosted Bot API server, or the simulator in tests. Default `https://api.telegram.org`. */
  apiRoot?: string;
  /** Shared send budgets and 429 cooldowns. Default: a `MemoryFloodControl` on `clock`. */
  flood?: FloodControl;
  /** Retry bounds. */
  retry?: TelegramRetryOptions;
  /** Remembers sends made with an idempotency key. Default: a `MemoryIdempotencyStore` on `clock`. */
  idempotency?: IdempotencyStore;
  /** How long an idempotency key is remembered. Default 24 hours. */
  idempotencyTtlMs?: number;
  /** One HTTP round trip's limit. Default 30,000 (`getUpdates` adds its long-poll timeout). */
  requestTimeoutMs?: number;
  /**
   * How long one send may wait (behind earlier sends to its chat, and for flood budget) before
   * failing with `TIMEOUT`. Default 120,000.
   */
  maxQueueWaitMs?: number;
  /** Downloads files through this SSRF-safe fetch. Default `createSafeFetch` for common media types. */
  download?: SafeFetch;
  /** Called when a chat is unreachable (403: blocked, kicked, deactivated), so the conversation can be marked. */
  onChatUnreachable?: (chatId: string, description: string) => void | Promise<void>;
  /** Where retries and fallbacks are logged (never the token). */
  logger?: Logger;
  clock?: Clock;
  /** The transport's `fetch`. Default the global `fetch`. */
  fetch?: FetchFunction;
  /** Source of jitter in [0, 1). Default `Math.random`. */
  random?: () => number;
}

const isFunction = (value: unknown): boolean => typeof value === 'function';

/** The zod schema of {@link TelegramClientOptions}. */
export const telegramClientOptionsSchema = z.object({
  token: z.string().regex(/^\d{1,20}:[A-Za-z0-9_-]{1,256}$/, 'must look like <bot id>:<secret>'),
  apiRoot: z
    .url({ protocol: /^https?$/ })
    .transform((value) => value.replace(/\/+$/, ''))
    .default('https://api.telegram.org'),
  flood: z
    .custom<FloodControl>((value) => typeof (value as FloodControl | undefined)?.acquire === 'function')
    .optional(),
  retry: z
    .object({
      maxAttempts: z.number().int().min(1).max(20).default(5),
      baseDelayMs: z.number().int().positive().default(500),
      maxDelayMs: z.number().int().positive().default(15_000),
      maxRetryAfterMs: z.number().int().positive().max(3_600_000).default(60_000),
    })
    .default({ maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 15_000, maxRetryAfterMs: 60_000 }),
  idempotency: z
    .custom<IdempotencyStore>((value) => typeof (value as IdempotencyStore | undefined)?.begin === 'function')
    .optional(),
  idempotencyTtlMs: z.number().int().positive().default(86_400_000),
  requestTimeoutMs: z.number().int().positive().default(30_000),
  maxQueueWaitMs: z.number().int().positive().default(120_000),
  download: z.custom<SafeFetch>(isFunction).optional(),
  onChatUnreachable: z.custom<(chatId: string, description: string) => void>(isFunction).optional(),
  logger: z.custom<Logger>((value) => typeof (value as Logger | undefined)?.warn === 'function').optional(),
  clock: z.custom<Clock>((value) => typeof (value as Clock | undefined)?.now === 'function').optional(),
  fetch: z.custom<FetchFunction>(isFunction).optional(),
  random: z.custom<() => number>(isFunction).optional(),
});
