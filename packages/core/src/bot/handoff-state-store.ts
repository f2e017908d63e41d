/** What the handoff remembers about a chat a human has taken over. */
export interface HandoffState {
  /** When it was handed over (ms since epoch). */
  readonly since: number;
  readonly reason: string;
  /** The managers' forum topic of this customer, in `topicPerChat` mode. */
  readonly threadId?: number;
}

/**
 * Where a channel's handoff (e.g. `createTelegramHandoff`) keeps which chats are with a human. The
 * memory store serves one instance; several instances share `RedisHandoffStateStore`
 * (`@botkeel/store-redis`) or another shared implementation of these three methods.
 *
 * @example
 * ```ts
 * const handoff = createTelegramHandoff({ client, managersChatId: '-100123', state: new MemoryHandoffStateStore() });
 * ```
 */
export interface HandoffStateStore {
  get(chatId: string): Promise<HandoffState | undefined>;
  set(chatId: string, state: HandoffState): Promise<void>;
  delete(chatId: string): Promise<void>;
}

/**
 * {@link HandoffStateStore} in this process's memory.
 *
 * @example
 * ```ts
 * const state = new MemoryHandoffStateStore();
 * ```
 */
export class MemoryHandoffStateStore implements HandoffStateStore {
  private readonly states = new Map<string, HandoffState>();

  /** The chat's state, if it is with a human. */
  get(chatId: string): Promise<HandoffState | undefined> {
    return Promise.resolve(this.states.get(chatId));
  }

  /** Marks the chat as with a human. */
  set(chatId: string, state: HandoffState): Promise<void> {
    this.states.set(chatId, state);
    return Promise.resolve();
  }

  /** Hands the chat back to the bot. */
  delete(chatId: string): Promise<void> {
    this.states.delete(chatId);
    return Promise.resolve();
  }
}
