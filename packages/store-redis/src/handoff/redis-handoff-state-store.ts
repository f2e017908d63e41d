import { type HandoffState, type HandoffStateStore } from '@botkeel/core';
import { z } from 'zod';
import { createStoreContext } from '../internal/create-context.js';
import { KeySpace } from '../internal/keys.js';
import { type RedisExecutor } from '../internal/redis-executor.js';
import { redisStoreOptionsShape, type RedisStoreOptions } from '../internal/store-options.js';
import { type RedisClient } from '../redis-client.js';

/** Options of {@link RedisHandoffStateStore}. */
export interface RedisHandoffStateStoreOptions extends RedisStoreOptions {
  /** How long a handoff is remembered without a release (a forgotten chat comes back to the bot). Default 30 days. */
  ttlMs?: number;
}

const optionsSchema = z.object({
  ...redisStoreOptionsShape,
  ttlMs: z.number().int().positive().optional(),
});

const stateSchema = z.object({
  since: z.number(),
  reason: z.string(),
  threadId: z.number().int().optional(),
});

/**
 * {@link HandoffStateStore} on Redis, so every instance agrees which chats are with a human (the
 * Telegram handoff's holds, relays and `/release` work whichever instance an update reaches). One
 * key per chat holding JSON, with a TTL.
 *
 * Keys: `{keyPrefix}:handoff:{{chatId}}`.
 *
 * @example
 * ```ts
 * const handoff = createTelegramHandoff({ client: telegram, managersChatId, state: new RedisHandoffStateStore({ client, keyPrefix: 'shop' }) });
 * ```
 */
export class RedisHandoffStateStore implements HandoffStateStore {
  private readonly client: RedisClient;
  private readonly executor: RedisExecutor;
  private readonly keys: KeySpace;
  private readonly ttlMs: number;

  constructor(options: RedisHandoffStateStoreOptions) {
    const context = createStoreContext('RedisHandoffStateStore', optionsSchema, options);
    this.client = context.client;
    this.executor = context.executor;
    this.keys = new KeySpace(context.options.keyPrefix, 'handoff');
    this.ttlMs = context.options.ttlMs ?? 30 * 86_400_000;
  }

  /** The chat's state, if it is with a human. A stored value that does not parse counts as none. */
  async get(chatId: string): Promise<HandoffState | undefined> {
    const stored = await this.executor.run('handoff get', () => this.client.get(this.keys.key(chatId)));
    if (stored === null) return undefined;
    let value: unknown;
    try {
      value = JSON.parse(stored);
    } catch {
      return undefined;
    }
    const parsed = stateSchema.safeParse(value);
    return parsed.success ? parsed.data : undefined;
  }

  /** Marks the chat as with a human. */
  async set(chatId: string, state: HandoffState): Promise<void> {
    const value = JSON.stringify({ since: state.since, reason: state.reason, threadId: state.threadId });
    await this.executor.run('handoff set', () =>
      this.client.set(this.keys.key(chatId), value, 'PX', this.ttlMs),
    );
  }

  /** Hands the chat back to the bot. */
  async delete(chatId: string): Promise<void> {
    await this.executor.run('handoff delete', () => this.client.del(this.keys.key(chatId)));
  }
}
