/**
 * One send budget, enforced as a GCRA ("leaky bucket as a meter"): sends are spaced
 * `windowMs / limit` apart on average, and up to `burst` may go at once. In any half-open window of
 * `windowMs`, at most `limit + burst - 1` sends pass; with `burst: 1`, at most `limit`.
 *
 * @example
 * ```ts
 * const perGroup: FloodBudget = { limit: 20, windowMs: 60_000, burst: 1 };
 * ```
 */
export interface FloodBudget {
  /** Sends per window. Positive integer. */
  readonly limit: number;
  /** The window in milliseconds. */
  readonly windowMs: number;
  /** Sends that may go at once. Positive integer. */
  readonly burst: number;
}

/**
 * The three budgets of a Telegram bot: the whole bot, one private chat, one group (or channel).
 *
 * @example
 * ```ts
 * const limits: FloodLimits = { ...defaultFloodLimits, privateChat: { limit: 1, windowMs: 1_000, burst: 5 } };
 * ```
 */
export interface FloodLimits {
  /** Every send of the bot. Telegram: about 30 messages per second. */
  readonly global: FloodBudget;
  /** Sends to one private chat. Telegram: about one message per second, short bursts allowed. */
  readonly privateChat: FloodBudget;
  /** Sends to one group or channel. Telegram: 20 messages per minute. */
  readonly groupChat: FloodBudget;
}

/**
 * Telegram's published limits: 30 messages/s per bot (no burst above that), about 1 message/s per
 * private chat with bursts of 3, and 20 messages/minute per group (no burst above that).
 *
 * @example
 * ```ts
 * const flood = new MemoryFloodControl({ limits: defaultFloodLimits });
 * ```
 */
export const defaultFloodLimits: FloodLimits = Object.freeze({
  global: Object.freeze({ limit: 30, windowMs: 1_000, burst: 1 }),
  privateChat: Object.freeze({ limit: 1, windowMs: 1_000, burst: 3 }),
  groupChat: Object.freeze({ limit: 20, windowMs: 60_000, burst: 1 }),
});

/** Which budget a chat spends: `'private'` chats or `'group'` chats (groups, supergroups, channels). */
export type ChatKind = 'private' | 'group';

/** One send asking for a slot. */
export interface FloodRequest {
  /** The chat the message goes to (Telegram chat id as a string). */
  readonly chatId: string;
  /** Selects the per-chat budget. */
  readonly chatKind: ChatKind;
}

/**
 * The answer of {@link FloodControl.acquire}:
 * - `allowed: true`: one slot of the global and the chat budget is spent; send now;
 * - `allowed: false`: nothing was spent; ask again after `waitMs`. `reason` says whether a budget
 *   or a `retry_after` cooldown (see {@link FloodControl.pause}) is in the way.
 */
export type FloodDecision =
  | { readonly allowed: true; readonly waitMs: 0 }
  | { readonly allowed: false; readonly waitMs: number; readonly reason: 'budget' | 'cooldown' };

/** What a cooldown applies to: one chat, or every send of the bot (`'global'`). */
export type FloodScope = { readonly chatId: string } | 'global';

/**
 * Outbound flood control for a messaging bot, shared by every instance that sends as the same bot:
 * a global budget, one budget per chat (private or group), and `retry_after` cooldowns that pause a
 * chat (or the whole bot) for every pending send, not just the one that got the 429.
 * `MemoryFloodControl` serves one process; `RedisFloodControl` (`@botkeel/store-redis`) serves many.
 *
 * Contract, checked by `floodControlConformance` in `@botkeel/core/testing`:
 * - `acquire` decides the global and the chat budget together: allowed only when both allow, and
 *   then both are spent; when denied nothing is spent and `waitMs` is the time until both would allow
 *   (never 0, never more than needed);
 * - budgets follow {@link FloodBudget}: never more than `limit + burst - 1` sends per window per chat
 *   or overall, also under concurrent `acquire`s from several instances;
 * - after `pause(scope, durationMs)`, every `acquire` in that scope is denied with `reason:
 *   'cooldown'` and a `waitMs` that ends when the pause does; pauses extend, never shorten, a
 *   cooldown; a global pause applies to every chat;
 * - time comes from the injected `Clock` (implementations pass it to their backend as an argument),
 *   so tests drive it with a manual clock;
 * - an unreachable backend rejects with `STORE_UNAVAILABLE`, never allows blindly.
 *
 * @example
 * ```ts
 * for (;;) {
 *   const decision = await flood.acquire({ chatId: '42', chatKind: 'private' });
 *   if (decision.allowed) break;
 *   await sleep(decision.waitMs);
 * }
 * const response = await send();
 * if (response.status === 429) await flood.pause({ chatId: '42' }, retryAfterMs);
 * ```
 */
export interface FloodControl {
  /** A short name for logs and metrics, e.g. `'memory'`, `'redis'`. */
  readonly name: string;
  /** Tries to spend one slot of the global budget and of the chat's budget, atomically. */
  acquire(request: FloodRequest, options?: { signal?: AbortSignal }): Promise<FloodDecision>;
  /** Pauses every send in `scope` for `durationMs` from now (a 429's `retry_after`). */
  pause(scope: FloodScope, durationMs: number, options?: { signal?: AbortSignal }): Promise<void>;
}
