import { OpenAI } from 'openai';
import {
  type ChatCompletionContentPart,
  type ChatCompletionCreateParamsNonStreaming,
  type ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { z } from 'zod';
import { type Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { parseOptions } from '../errors/parse-options.js';
import {
  type LlmCompletion,
  type LlmMessage,
  type LlmProvider,
  type LlmRequest,
  type LlmStreamChunk,
} from '../llm/llm-types.js';
import { ProviderError } from '../resilience/provider-error.js';
import { toProviderError } from './openai-errors.js';

/** Options of {@link openAiProvider}. */
export interface OpenAiProviderOptions {
  /** The model, e.g. `'gpt-4o-mini'`. */
  model: string;
  /** The provider's name in the router (breakers, metrics). Default `'openai'`. */
  name?: string;
  /** A client you configured yourself; its `maxRetries` is overridden to 0 per request. */
  client?: OpenAI;
  /** The API key, when no `client` is given. Default: the `OPENAI_API_KEY` environment variable. */
  apiKey?: string;
  /** An OpenAI-compatible endpoint, e.g. `http://127.0.0.1:8080/v1`. */
  baseURL?: string;
  /**
   * How structured output is requested: `json_schema` (the schema is sent, default),
   * `json_object` (JSON mode only), or `none` (the prompt must ask for JSON).
   */
  structuredOutput?: 'json_schema' | 'json_object' | 'none';
  /** Used to interpret `retry-after` dates. Default: the system clock. */
  clock?: Clock;
}

const optionsSchema = z.object({
  model: z.string().min(1),
  name: z.string().min(1).max(100).default('openai'),
  client: z.custom<OpenAI>((value) => value instanceof OpenAI, 'expected an OpenAI client').optional(),
  apiKey: z.string().min(1).optional(),
  baseURL: z.url().optional(),
  structuredOutput: z.enum(['json_schema', 'json_object', 'none']).default('json_schema'),
  clock: z.custom<Clock>((value) => typeof (value as Clock | undefined)?.now === 'function').optional(),
});

function toMessage(message: LlmMessage): ChatCompletionMessageParam {
  if (typeof message.content === 'string' || message.role !== 'user') {
    const text =
      typeof message.content === 'string'
        ? message.content
        : message.content.map((part) => (part.type === 'text' ? part.text : '')).join('');
    return { role: message.role, content: text };
  }
  const parts: ChatCompletionContentPart[] = message.content.map((part) =>
    part.type === 'text'
      ? { type: 'text', text: part.text }
      : {
          type: 'image_url',
          image_url: { url: part.url, ...(part.detail === undefined ? {} : { detail: part.detail }) },
        },
  );
  return { role: 'user', content: parts };
}

/**
 * An {@link LlmProvider} on the official `openai` SDK (6.x), for OpenAI and any OpenAI-compatible
 * server (`baseURL`). It turns off the SDK's own retries (the router retries), passes the router's
 * AbortSignal to every request (an abort closes the connection), asks for structured output with
 * the request's zod schema, streams with usage, and maps the SDK's errors to `ProviderError`
 * kinds: `RateLimitError` → `rate-limit` with `retry-after-ms`/`retry-after`,
 * `InternalServerError` → `server`, `APIConnectionTimeoutError` → `timeout`,
 * `APIConnectionError` → `connection`, `BadRequestError` → `bad-request`,
 * `AuthenticationError`/`PermissionDeniedError` → `authentication`, a `content_filter` finish →
 * `content-filter`, a broken body → `malformed-response`.
 *
 * @example
 * ```ts
 * import { openAiProvider } from '@botkeel/core/openai';
 * const primary = openAiProvider({ model: 'gpt-4o-mini', apiKey: process.env.OPENAI_API_KEY });
 * const local = openAiProvider({ name: 'local', model: 'llama3.1', baseURL: 'http://127.0.0.1:11434/v1', apiKey: 'unused' });
 * const router = createLlmRouter({ providers: [primary, local], fallback: 'One moment, please.' });
 * ```
 */
export function openAiProvider(options: OpenAiProviderOptions): LlmProvider {
  const parsed = parseOptions('openAiProvider', optionsSchema, options);
  const name = parsed.name;
  const clock = parsed.clock ?? systemClock;
  const client =
    parsed.client ??
    new OpenAI({
      ...(parsed.apiKey === undefined ? {} : { apiKey: parsed.apiKey }),
      ...(parsed.baseURL === undefined ? {} : { baseURL: parsed.baseURL }),
      maxRetries: 0,
    });

  const body = (request: LlmRequest): ChatCompletionCreateParamsNonStreaming => {
    const params: ChatCompletionCreateParamsNonStreaming = {
      model: parsed.model,
      messages: request.messages.map(toMessage),
    };
    if (request.temperature !== undefined) params.temperature = request.temperature;
    if (request.maxTokens !== undefined) params.max_completion_tokens = request.maxTokens;
    if (request.schema !== undefined && parsed.structuredOutput === 'json_schema') {
      params.response_format = {
        type: 'json_schema',
        json_schema: {
          name: request.schemaName ?? 'reply',
          schema: z.toJSONSchema(request.schema, { unrepresentable: 'any' }),
        },
      };
    } else if (request.schema !== undefined && parsed.structuredOutput === 'json_object') {
      params.response_format = { type: 'json_object' };
    }
    return params;
  };

  return {
    name,
    async complete(request: LlmRequest, signal: AbortSignal): Promise<LlmCompletion> {
      let completion;
      try {
        completion = await client.chat.completions.create(body(request), { signal, maxRetries: 0 });
      } catch (error) {
        throw toProviderError(error, name, clock.now(), signal);
      }
      const choice = completion.choices[0];
      if (choice?.finish_reason === 'content_filter') {
        throw new ProviderError('content-filter', `${name} refused the content`, { provider: name });
      }
      if (choice === undefined || typeof choice.message.content !== 'string') {
        throw new ProviderError('malformed-response', `${name} answered without text`, { provider: name });
      }
      const usage = completion.usage;
      return {
        text: choice.message.content,
        model: completion.model,
        ...(usage === undefined
          ? {}
          : { usage: { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens } }),
      };
    },
    async *stream(request: LlmRequest, signal: AbortSignal): AsyncGenerator<LlmStreamChunk> {
      try {
        const chunks = await client.chat.completions.create(
          { ...body(request), stream: true, stream_options: { include_usage: true } },
          { signal, maxRetries: 0 },
        );
        for await (const chunk of chunks) {
          const choice = chunk.choices[0];
          if (choice?.finish_reason === 'content_filter') {
            throw new ProviderError('content-filter', `${name} refused the content`, { provider: name });
          }
          const text = choice?.delta.content ?? undefined;
          const usage = chunk.usage ?? undefined;
          yield {
            model: chunk.model,
            ...(text === undefined || text === '' ? {} : { text }),
            ...(usage === undefined
              ? {}
              : { usage: { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens } }),
          };
        }
      } catch (error) {
        throw toProviderError(error, name, clock.now(), signal);
      }
    },
  };
}
