/** A file the user sent, by reference (download it through the channel when needed). */
export interface Attachment {
  readonly kind: 'photo' | 'document' | 'voice' | 'video' | 'audio' | 'sticker' | 'contact' | 'location';
  /** The platform's file id (Telegram `file_id`), when the attachment is a file. */
  readonly fileId?: string;
  /** Size in bytes, when the platform says. */
  readonly sizeBytes?: number;
  readonly mimeType?: string;
  readonly width?: number;
  readonly height?: number;
  /** Kind-specific data the platform gave (contact phone, coordinates, …). */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
}

/**
 * One incoming message, independent of the platform it came from. Adapters build it
 * (`toBotMessage(update)` in `@botkeel/adapter-telegram`); `bot.handle` consumes it.
 *
 * @example
 * ```ts
 * const message: BotMessage = {
 *   channel: 'telegram', chatId: '42', userId: '42', messageId: '7', updateKey: 'tg:123:1001',
 *   text: 'Hi! Do you have this in M?', attachments: [], receivedAt: clock.now(), raw: update,
 * };
 * ```
 */
export interface BotMessage {
  /** The platform, e.g. `'telegram'`, `'playground'`. */
  readonly channel: string;
  readonly chatId: string;
  readonly userId: string;
  readonly messageId: string;
  /** The dedupe key: unique per delivery of one update (e.g. bot id + `update_id`). */
  readonly updateKey: string;
  /** The text (or caption); empty when there is none. */
  readonly text: string;
  readonly attachments: readonly Attachment[];
  /** When the platform received it (ms since epoch). */
  readonly receivedAt: number;
  /** The user's language as the platform reports it (IETF tag, e.g. `'uk'`). */
  readonly locale?: string;
  /** Display name of the sender, for handoff summaries. */
  readonly senderName?: string;
  /** The platform's original payload, for handlers that need more. */
  readonly raw?: unknown;
}

/**
 * What `bot.handle` answers once the message is durably accepted (or not):
 * - `'accepted'`: stored; it will be processed;
 * - `'duplicate'`: seen before; dropped;
 * - `'rate-limited'`: over a limit; dropped (the user may get one notice per window);
 * - `'rejected'`: refused for good (e.g. hostile input);
 * - `'unavailable'`: could not be stored safely now (a store outage, or the bot draining): the
 *   adapter must make the platform redeliver (503 for Telegram).
 */
export interface Ack {
  readonly status: 'accepted' | 'duplicate' | 'rate-limited' | 'rejected' | 'unavailable';
  /** A short machine-readable reason for anything but `'accepted'`. */
  readonly reason?: string;
}

/** One outgoing reply. */
export interface OutgoingMessage {
  readonly chatId: string;
  readonly text: string;
  /**
   * Makes the send happen once even when a turn is replayed after a crash (derived from the
   * batch id and the reply's index in the turn).
   */
  readonly idempotencyKey?: string;
  /** Optional quick-reply buttons. */
  readonly buttons?: readonly { readonly text: string; readonly data: string }[];
}

/**
 * Where replies go: a platform adapter's outbound side (e.g. the Telegram client).
 *
 * @example
 * ```ts
 * const channel: Channel = { name: 'console', send: async (message) => console.log(message.text) };
 * ```
 */
export interface Channel {
  readonly name: string;
  /** Sends one message; performs it once per `idempotencyKey`. */
  send(message: OutgoingMessage, options?: { signal?: AbortSignal }): Promise<void>;
}

/** What a human needs to take over a chat. */
export interface HandoffRequest {
  readonly chatId: string;
  readonly reason: string;
  /** The conversation's state when it was escalated. */
  readonly state: string;
  /** The last messages, oldest first. */
  readonly recentMessages: readonly { readonly from: 'user' | 'bot'; readonly text: string }[];
  readonly customer?: { readonly name?: string; readonly username?: string; readonly userId?: string };
}

/**
 * The port to human operators: called when a conversation is escalated; a channel-specific
 * implementation (e.g. `createTelegramHandoff`) posts the summary to the managers.
 *
 * @example
 * ```ts
 * const handoff: Handoff = { notify: async (request) => console.log('escalated', request.chatId, request.reason) };
 * ```
 */
export interface Handoff {
  /** Notifies the humans; must be idempotent per chat and reason. */
  notify(request: HandoffRequest, options?: { signal?: AbortSignal }): Promise<void>;
  /**
   * Passes on what a customer wrote while a human has the chat (the bot stays silent). Optional:
   * without it those messages are only logged.
   */
  forward?(
    chatId: string,
    messages: readonly BotMessage[],
    options?: { signal?: AbortSignal },
  ): Promise<void>;
}
