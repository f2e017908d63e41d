import { type Span, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { systemClock } from '../clock/system-clock.js';
import { parseOptions } from '../errors/parse-options.js';
import { createSafeLogger } from '../logger/safe-logger.js';
import { type CircuitBreaker, createCircuitBreaker } from '../resilience/circuit-breaker.js';
import { type CircuitBreakerOptions } from '../resilience/circuit-breaker-options.js';
import { SpanNames } from '../telemetry/names.js';
import { botkeelTracer } from '../telemetry/instruments.js';
import { LlmExhaustedError } from './llm-attempt.js';
import {
  type LlmCallOptions,
  type LlmRouterOptions,
  fallbackReply,
  llmRouterOptionsSchema,
} from './llm-router-options.js';
import { llmInstruments } from './llm-telemetry.js';
import { type LlmRequest, type LlmResponse, type LlmStreamEvent } from './llm-types.js';
import { streamProviders } from './llm-stream.js';
import { type RaceOutcome, raceProviders } from './provider-race.js';
import { ProviderSlot } from './provider-slot.js';
import { RoutedCall, type RouterSettings } from './routed-call.js';
import { type LlmUsageEntry, UsageLedger } from './usage-ledger.js';

/** Routes completions over several providers with retries, breakers, hedging and a canned fallback. */
export interface LlmRouter {
  /**
   * Completes `request` with the first provider that answers (see {@link createLlmRouter}).
   * Resolves with the canned fallback when every provider failed and one is configured; rejects
   * with `LLM_EXHAUSTED` ({@link LlmExhaustedError}) when not, and with `ABORTED` on abort.
   */
  complete<Output = unknown>(
    request: LlmRequest<Output>,
    options?: LlmCallOptions,
  ): Promise<LlmResponse<Output>>;
  /**
   * Streams the completion of `request` as text deltas, ending with a `done` event (the full
   * response) or an `error` event. A provider failing before its first delta hands over to the
   * next one; after the first delta a failure is an `error` event (answers are never mixed).
   */
  stream<Output = unknown>(
    request: LlmRequest<Output>,
    options?: LlmCallOptions,
  ): AsyncIterable<LlmStreamEvent<Output>>;
  /** Tokens per provider/model, for one conversation or (without an id) overall. */
  usage(conversationId?: string): LlmUsageEntry[];
  /**
   * Reads the shared store now (breaker states and 429 cooldowns of every provider), e.g. at
   * start-up; afterwards the router refreshes them in the background, at most every second.
   * No-op without a `store`.
   */
  sync(signal?: AbortSignal): Promise<void>;
  /** The breaker of each provider, by provider name (empty when breakers are off). */
  readonly breakers: ReadonlyMap<string, CircuitBreaker>;
}

class LlmRouterImplementation implements LlmRouter {
  readonly breakers: ReadonlyMap<string, CircuitBreaker>;
  readonly #settings: RouterSettings;
  readonly #slots: ProviderSlot[];
  readonly #ledger: UsageLedger;

  constructor(options: LlmRouterOptions) {
    this.#settings = parseOptions('createLlmRouter', llmRouterOptionsSchema, options);
    const clock = this.#settings.clock ?? systemClock;
    const logger = createSafeLogger(this.#settings.logger);
    const breakers = new Map<string, CircuitBreaker>();
    this.#slots = this.#settings.providers.map((provider) => {
      let breaker: CircuitBreaker | undefined;
      if (options.breaker !== false) {
        breaker = createCircuitBreaker({
          ...(options.breaker ?? {}),
          logger: options.breaker?.logger ?? logger,
          name: `llm:${provider.name}`,
          clock,
          ...(options.store === undefined ? {} : { store: options.store }),
        } satisfies CircuitBreakerOptions);
        breakers.set(provider.name, breaker);
      }
      return new ProviderSlot(provider, breaker, clock, options.store, logger);
    });
    this.breakers = breakers;
    this.#ledger = new UsageLedger(this.#settings.maxLedgerConversations);
  }

  complete<Output = unknown>(
    request: LlmRequest<Output>,
    options: LlmCallOptions = {},
  ): Promise<LlmResponse<Output>> {
    const call = new RoutedCall(request, this.#settings, this.#settings.clock ?? systemClock, this.#ledger);
    const span = botkeelTracer().startSpan(SpanNames.llmComplete, {
      attributes: { 'botkeel.llm.providers': this.#slots.length },
    });
    call.parentContext = trace.setSpan(context.active(), span);
    return raceProviders(call, this.#slots, options.signal).then(
      (outcome) => {
        try {
          return this.#respond<Output>(call, outcome, span);
        } catch (error) {
          span.recordException(error instanceof Error ? error : String(error));
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw error;
        } finally {
          span.end();
        }
      },
      (error: unknown) => {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        throw error;
      },
    );
  }

  #respond<Output>(call: RoutedCall, outcome: RaceOutcome, span: Span): LlmResponse<Output> {
    span.setAttribute('botkeel.llm.attempts', call.calls);
    if (outcome.success !== undefined) {
      const { slot, completion, output } = outcome.success;
      span.setAttributes({ 'botkeel.llm.provider': slot.name, 'botkeel.llm.fallback': false });
      return {
        text: completion.text,
        output: output as Output | undefined,
        usage: completion.usage ?? { promptTokens: 0, completionTokens: 0 },
        provider: slot.name,
        model: completion.model,
        attempts: call.calls,
        fallback: false,
      };
    }
    const reply = fallbackReply(this.#settings.fallback, call.request);
    if (reply === undefined) throw new LlmExhaustedError([...call.attempts], outcome.lastError);
    llmInstruments().fallbacks.add(1, {});
    span.setAttributes({ 'botkeel.llm.provider': 'fallback', 'botkeel.llm.fallback': true });
    return fallbackResponse<Output>(reply, call.calls);
  }

  stream<Output = unknown>(
    request: LlmRequest<Output>,
    options: LlmCallOptions = {},
  ): AsyncIterable<LlmStreamEvent<Output>> {
    const call = new RoutedCall(request, this.#settings, this.#settings.clock ?? systemClock, this.#ledger);
    return streamProviders<Output>(call, this.#slots, options.signal);
  }

  usage(conversationId?: string): LlmUsageEntry[] {
    return this.#ledger.entries(conversationId);
  }

  async sync(signal?: AbortSignal): Promise<void> {
    await Promise.all(
      this.#slots.flatMap((slot) => [
        slot.syncCooldown(signal),
        slot.breaker?.sync(signal) ?? Promise.resolve(),
      ]),
    );
  }
}

/** The response of a call answered with the canned reply. */
export function fallbackResponse<Output>(text: string, attempts: number): LlmResponse<Output> {
  return {
    text,
    output: undefined,
    usage: { promptTokens: 0, completionTokens: 0 },
    provider: 'fallback',
    model: 'fallback',
    attempts,
    fallback: true,
  };
}

/**
 * Creates an LLM router. For each call it tries the providers in order, each behind its own
 * circuit breaker (an open one is skipped at no cost) and retried with jittered backoff on
 * retryable faults (429, 5xx, timeouts, resets) before moving on; a 429 also puts its provider in
 * cooldown for its retry-after (shared with other instances through `store`). Non-retryable
 * faults move on, or stop with `onNonRetryable: 'fail-fast'`. With `hedgeAfterMs`, a slow
 * provider gets company: the next one starts, the first answer wins, the other is aborted.
 * Structured output (`request.schema`) is parsed and validated, with one repair call that shows
 * the model its validation error. The whole call keeps to `deadlineMs`; when everything failed it
 * answers the canned `fallback` (by `request.language`), or rejects with `LLM_EXHAUSTED` listing
 * every attempt.
 *
 * @example
 * ```ts
 * const router = createLlmRouter({
 *   providers: [openAiProvider({ model: 'gpt-4o-mini' }), openAiProvider({ name: 'backup', baseURL, model: 'llama-3.1-8b' })],
 *   retry: { maxAttempts: 3 },
 *   breaker: { consecutiveFailures: 5, halfOpenAfterMs: 30_000 },
 *   attemptTimeoutMs: 20_000,
 *   deadlineMs: 60_000,
 *   hedgeAfterMs: 8_000,
 *   fallback: { replies: { en: 'Sorry, one moment please.', de: 'Einen Moment bitte.' } },
 * });
 * const reply = await router.complete({ messages: [{ role: 'user', content: 'Hi' }], language: 'en' }, { signal });
 * ```
 */
export function createLlmRouter(options: LlmRouterOptions): LlmRouter {
  return new LlmRouterImplementation(options);
}
