import { type LlmUsage } from './llm-types.js';

/** Tokens used by one provider/model, summed. */
export interface LlmUsageEntry {
  provider: string;
  model: string;
  promptTokens: number;
  completionTokens: number;
  /** Completions counted. */
  calls: number;
}

/**
 * Tokens per provider/model, overall and per conversation (the `conversationId` of requests). It
 * keeps at most `maxConversations` conversations, forgetting the least recently used.
 */
export class UsageLedger {
  readonly #maxConversations: number;
  readonly #total = new Map<string, LlmUsageEntry>();
  readonly #conversations = new Map<string, Map<string, LlmUsageEntry>>();

  constructor(maxConversations: number) {
    this.#maxConversations = maxConversations;
  }

  /** Adds one completion's usage. */
  add(provider: string, model: string, usage: LlmUsage, conversationId: string | undefined): void {
    addTo(this.#total, provider, model, usage);
    if (conversationId === undefined) return;
    let entries = this.#conversations.get(conversationId);
    if (entries === undefined) {
      entries = new Map();
      if (this.#conversations.size >= this.#maxConversations) {
        const oldest = this.#conversations.keys().next();
        if (oldest.done !== true) this.#conversations.delete(oldest.value);
      }
    } else {
      this.#conversations.delete(conversationId);
    }
    this.#conversations.set(conversationId, entries);
    addTo(entries, provider, model, usage);
  }

  /** The entries of one conversation, or of everything when `conversationId` is omitted. */
  entries(conversationId?: string): LlmUsageEntry[] {
    const source = conversationId === undefined ? this.#total : this.#conversations.get(conversationId);
    return source === undefined ? [] : [...source.values()].map((entry) => ({ ...entry }));
  }
}

function addTo(map: Map<string, LlmUsageEntry>, provider: string, model: string, usage: LlmUsage): void {
  const key = `${provider}\u0000${model}`;
  let entry = map.get(key);
  if (entry === undefined) {
    entry = { provider, model, promptTokens: 0, completionTokens: 0, calls: 0 };
    map.set(key, entry);
  }
  entry.promptTokens += usage.promptTokens;
  entry.completionTokens += usage.completionTokens;
  entry.calls += 1;
}
