import { type AnyStateMachine } from 'xstate';
import { z } from 'zod';
import { type Clock } from '../clock/clock.js';
import { type Conversation, type ConversationEvent, type TurnResult } from '../conversation/index.js';
import { type DebounceStore } from '../debounce/debounce-store.js';
import { type DedupeStore } from '../dedupe/dedupe-store.js';
import { type IdempotencyStore } from '../idempotency/idempotency-store.js';
import { type LockStore } from '../lock/lock-store.js';
import { type Logger } from '../logger/logger.js';
import { type RateLimiter, type RateLimitKeys } from '../ratelimit/index.js';
import { type Sanitizer, type SanitizeResult } from '../sanitizer/index.js';
import { type BotMessage, type Channel, type Handoff, type HandoffRequest } from './bot-message.js';

/** One debounced batch of a chat, as the bot turns it into machine events. */
export interface BotBatch {
  readonly chatId: string;
  /** Stable across redeliveries of the batch. */
  readonly batchId: string;
  /** Every message of the burst, in the order they arrived. */
  readonly messages: readonly BotMessage[];
  /** The messages' texts joined by newlines, after the sanitizer (neutralized when its policy says so). */
  readonly text: string;
  /** The sanitizer's verdict on `text` (`undefined` without a sanitizer). */
  readonly sanitized: SanitizeResult | undefined;
}

/** Fixed texts the bot sends by itself, per message (so they can follow the user's language). */
export interface BotTexts {
  /** The one notice per window a rate-limited user gets; `undefined` sends none. */
  rateLimited?: (message: BotMessage) => string | undefined;
  /** The reply to a message the sanitizer blocked (the LLM is never called). */
  blocked?: (message: BotMessage) => string;
}

/** Debouncing of a chat's messages into one turn. */
export interface BotDebounceOptions {
  /** Where bursts live; share it between instances (e.g. `RedisDebounceStore`). Default: memory. */
  store?: DebounceStore;
  /** Flush when a chat was quiet this long. Default 1,500. */
  quietMs?: number;
  /** Flush at the latest this long after a burst's first message. Default 6,000. */
  maxWaitMs?: number;
  /** Flush at once at this many messages. Default 10. */
  maxItems?: number;
  /** How long a claimed batch belongs to this instance (renewed while the turn runs). Default 60,000. */
  leaseMs?: number;
  /** Longest sleep between looks at the store. Default 1,000. */
  pollMs?: number;
}

/** Options of {@link createBot}. */
export interface CreateBotOptions<TMachine extends AnyStateMachine> {
  /** Where replies go (e.g. `createTelegramClient`). */
  channel: Channel;
  /** The conversation engine around your machine (`createConversation`). */
  conversation: Conversation<TMachine>;
  /** Turns a batch into the events one turn delivers to the machine. */
  toEvents: (batch: BotBatch) => readonly ConversationEvent<TMachine>[];
  /** Drops redelivered updates. Default: `MemoryDedupeStore`. */
  dedupe?: DedupeStore;
  /** Limits users, chats or the whole bot. Default: no limit. */
  rateLimiter?: RateLimiter;
  /** The keys one message spends. Default `message.userId` (every rule applies to the user). */
  rateLimitKeys?: (message: BotMessage) => RateLimitKeys;
  /** Debouncing of bursts. */
  debounce?: BotDebounceOptions;
  /** Scores the batch text before the turn; a blocked verdict gets `texts.blocked` and no turn. */
  sanitizer?: Sanitizer;
  /** The humans: notified on escalation, and given what customers write while they have the chat. */
  handoff?: Handoff;
  /** Makes turns and sends happen once per batch. Default: `MemoryIdempotencyStore`. */
  idempotency?: IdempotencyStore;
  /** Serializes turns of one chat across instances (e.g. `RedisLock`). Default: `MemoryLockStore`. */
  locks?: LockStore;
  /** Escalate when the LLM router gives up (`LLM_EXHAUSTED`). Default true. */
  escalateOnLlmExhausted?: boolean;
  /** What a human sees on escalation. Default: the machine context's `transcript`, else the batch. */
  summarize?: (result: TurnResult<TMachine>, batch: BotBatch | undefined) => HandoffRequest['recentMessages'];
  texts?: BotTexts;
  /** How long a claimed update may stay unfinished before a redelivery may take it. Default 30,000. */
  dedupeLeaseMs?: number;
  /** How long an update is remembered as done. Default 86,400,000 (a day). */
  dedupeTtlMs?: number;
  /** How long turn results and sends are remembered. Default 86,400,000. */
  idempotencyTtlMs?: number;
  logger?: Logger;
  clock?: Clock;
}

const positive = z.number().int().positive();

/** Checks the numeric options of {@link createBot}; the collaborators are checked by their shape. */
export const botOptionsSchema = z.object({
  channel: z.custom<Channel>((value) => typeof (value as Channel | undefined)?.send === 'function', {
    message: 'expected a Channel',
  }),
  conversation: z.custom((value) => typeof (value as { turn?: unknown } | undefined)?.turn === 'function', {
    message: 'expected a Conversation (createConversation)',
  }),
  toEvents: z.custom((value) => typeof value === 'function', { message: 'expected a function' }),
  debounce: z
    .object({
      quietMs: positive.optional(),
      maxWaitMs: positive.optional(),
      maxItems: positive.optional(),
      leaseMs: positive.optional(),
      pollMs: positive.optional(),
    })
    .passthrough()
    .optional(),
  dedupeLeaseMs: positive.optional(),
  dedupeTtlMs: positive.optional(),
  idempotencyTtlMs: positive.optional(),
});
