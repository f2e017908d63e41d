import { type z } from 'zod';

/** Who wrote a message of the conversation sent to a model. */
export type LlmRole = 'system' | 'user' | 'assistant';

/** A piece of text in a message. */
export interface LlmTextPart {
  type: 'text';
  text: string;
}

/** An image in a message: an `https:` URL or a `data:` URL. */
export interface LlmImagePart {
  type: 'image';
  url: string;
  /** How closely the model should look, when the provider supports it. */
  detail?: 'low' | 'high' | 'auto';
}

/** One part of a multi-part message. */
export type LlmContentPart = LlmTextPart | LlmImagePart;

/** One message of the conversation sent to a model. */
export interface LlmMessage {
  role: LlmRole;
  /** Plain text, or text and image parts. */
  content: string | LlmContentPart[];
}

/**
 * What the router (and each provider) is asked to complete.
 *
 * @example
 * ```ts
 * const request: LlmRequest = { messages: [{ role: 'user', content: 'Hello' }], maxTokens: 200, language: 'en' };
 * ```
 */
export interface LlmRequest<Output = unknown> {
  messages: LlmMessage[];
  /** Asks for structured output: the reply must be JSON that this schema accepts. */
  schema?: z.ZodType<Output>;
  /** A name for the schema, sent to providers that want one. Default `'reply'`. */
  schemaName?: string;
  temperature?: number;
  maxTokens?: number;
  /** Keys the usage ledger (tokens per conversation). */
  conversationId?: string;
  /** Picks the canned fallback reply's language, e.g. `'en'`, `'de'`. */
  language?: string;
}

/** Tokens a completion used. */
export interface LlmUsage {
  promptTokens: number;
  completionTokens: number;
}

/**
 * What a provider answers for one attempt; the router adds which provider, how many attempts, and
 * the parsed output to make an {@link LlmResponse}.
 */
export interface LlmCompletion {
  /** The reply text (JSON text when a schema was asked for). */
  text: string;
  /** The model that answered, as the provider reports it. */
  model: string;
  /** Token usage, when the provider reports it. */
  usage?: LlmUsage;
}

/** One piece of a streamed completion from a provider. */
export interface LlmStreamChunk {
  /** Text to append, when this chunk carries some. */
  text?: string;
  /** Usage, usually on the last chunk. */
  usage?: LlmUsage;
  /** The model, when the provider reports it. */
  model?: string;
}

/**
 * A model API the router can call: OpenAI, an OpenAI-compatible server, Anthropic, a local model….
 * Implementations translate their faults into `ProviderError` (kind `rate-limit` with
 * `retryAfterMs`, `server`, `timeout`, `connection`, `bad-request`, `authentication`,
 * `content-filter`, `malformed-response`) and stop their I/O when `signal` aborts. They do not
 * retry: the router does.
 *
 * @example
 * ```ts
 * const echo: LlmProvider = {
 *   name: 'echo',
 *   complete: (request) => Promise.resolve({ text: String(request.messages.at(-1)?.content), model: 'echo-1' }),
 * };
 * ```
 */
export interface LlmProvider {
  /** Unique among the router's providers; names its breaker, metrics and spans. */
  readonly name: string;
  /** Completes `request`; rejects with a `ProviderError` on a fault. */
  complete(request: LlmRequest, signal: AbortSignal): Promise<LlmCompletion>;
  /** Streams the completion of `request`, when the provider supports it. */
  stream?(request: LlmRequest, signal: AbortSignal): AsyncIterable<LlmStreamChunk>;
}

/** The router's answer. */
export interface LlmResponse<Output = unknown> {
  /** The reply text (the canned reply when `fallback` is true). */
  text: string;
  /** The parsed structured output when a schema was given and a provider answered; else `undefined`. */
  output: Output | undefined;
  /** Tokens of the attempt that answered (zero for the fallback). */
  usage: LlmUsage;
  /** The provider that answered, or `'fallback'`. */
  provider: string;
  /** The model that answered, or `'fallback'`. */
  model: string;
  /** Provider calls made for this answer (retries, repairs and hedges included). */
  attempts: number;
  /** True when every provider failed and the canned reply was used. */
  fallback: boolean;
}

/** What the router's `stream` yields. */
export type LlmStreamEvent<Output = unknown> =
  | { type: 'delta'; text: string }
  | { type: 'done'; response: LlmResponse<Output> }
  | { type: 'error'; error: Error };
