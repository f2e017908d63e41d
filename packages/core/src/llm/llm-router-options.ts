import { z } from 'zod';
import { type Clock } from '../clock/clock.js';
import { type Logger } from '../logger/logger.js';
import { type BreakerStateStore } from '../resilience/breaker-state-store.js';
import { type CircuitBreakerOptions } from '../resilience/circuit-breaker-options.js';
import { type LlmProvider, type LlmRequest } from './llm-types.js';

/** How the router retries one provider before moving on. */
export interface LlmRetryOptions {
  /** Calls per provider, the first included. Default 2. */
  maxAttempts?: number;
  /** Default 250. */
  baseDelayMs?: number;
  /** Default 4,000. */
  maxDelayMs?: number;
  /** A 429 asking for a longer wait moves on to the next provider at once. Default 60,000. */
  maxRetryAfterMs?: number;
  /** Random numbers in [0, 1) for the jitter (seed it in tests). Default `Math.random`. */
  random?: () => number;
}

/** The canned reply used when every provider failed: one text, or one per language. */
export type LlmFallback =
  | string
  | {
      /** Replies by language code, e.g. `{ en: 'Sorry…', de: 'Entschuldigung…' }`. */
      replies: Record<string, string>;
      /** The language used when the request's `language` has no reply. Default: the first key. */
      defaultLanguage?: string;
    };

/** Options of {@link createLlmRouter}. */
export interface LlmRouterOptions {
  /** Providers in order of preference. Names must be unique. */
  providers: LlmProvider[];
  /** Per-provider retries. */
  retry?: LlmRetryOptions;
  /**
   * Options of the circuit breaker each provider gets (named after it), or `false` for none.
   * Default: open after 5 faults in a row, half-open after 30 s.
   */
  breaker?: Omit<CircuitBreakerOptions, 'name' | 'clock' | 'store' | 'initialState'> | false;
  /** Shares breaker state and 429 cooldowns with other instances (e.g. `RedisBreakerStateStore`). */
  store?: BreakerStateStore;
  /** The budget of one provider call. Default 30,000. */
  attemptTimeoutMs?: number;
  /** The budget of the whole routed call, fallback included. Default 120,000. */
  deadlineMs?: number;
  /** When set, the next provider starts if the running one has not answered after this long. */
  hedgeAfterMs?: number;
  /** The canned reply when everything failed; without it the call rejects with `LLM_EXHAUSTED`. */
  fallback?: LlmFallback;
  /**
   * What a non-retryable failure (400, 401/403, content filter, invalid output) does: try the next
   * provider (default) or stop trying (then: fallback or `LLM_EXHAUSTED`).
   */
  onNonRetryable?: 'next-provider' | 'fail-fast';
  /** How many conversations the usage ledger remembers. Default 10,000. */
  maxLedgerConversations?: number;
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: silent. */
  logger?: Logger;
}

/** Options of one routed call. */
export interface LlmCallOptions {
  /** Aborts the call and every provider request it started. */
  signal?: AbortSignal;
}

/** Picks the canned reply for `request`, or `undefined` when no fallback is configured. */
export function fallbackReply(fallback: LlmFallback | undefined, request: LlmRequest): string | undefined {
  if (fallback === undefined) return undefined;
  if (typeof fallback === 'string') return fallback;
  const language = request.language;
  if (language !== undefined) {
    const exact = fallback.replies[language] ?? fallback.replies[language.split('-')[0] ?? language];
    if (exact !== undefined) return exact;
  }
  if (fallback.defaultLanguage !== undefined) return fallback.replies[fallback.defaultLanguage];
  return Object.values(fallback.replies)[0];
}

const positiveInteger = z.number().int().positive();
const fn = <T>() => z.custom<T>((value) => typeof value === 'function');

/** Validates {@link LlmRouterOptions}. */
export const llmRouterOptionsSchema = z.object({
  providers: z
    .array(
      z.custom<LlmProvider>(
        (value) =>
          typeof (value as LlmProvider | undefined)?.name === 'string' &&
          typeof (value as LlmProvider | undefined)?.complete === 'function',
        'expected an LlmProvider ({ name, complete })',
      ),
    )
    .min(1)
    .refine((providers) => new Set(providers.map((provider) => provider.name)).size === providers.length, {
      message: 'provider names must be unique',
    }),
  retry: z
    .object({
      maxAttempts: positiveInteger.max(10).default(2),
      baseDelayMs: z.number().nonnegative().default(250),
      maxDelayMs: z.number().nonnegative().default(4_000),
      maxRetryAfterMs: z.number().nonnegative().default(60_000),
      random: fn<() => number>().optional(),
    })
    .default({ maxAttempts: 2, baseDelayMs: 250, maxDelayMs: 4_000, maxRetryAfterMs: 60_000 }),
  breaker: z.union([z.literal(false), z.record(z.string(), z.unknown())]).optional(),
  store: z
    .custom<BreakerStateStore>(
      (value) => typeof (value as BreakerStateStore | undefined)?.readCooldown === 'function',
    )
    .optional(),
  attemptTimeoutMs: positiveInteger.default(30_000),
  deadlineMs: positiveInteger.default(120_000),
  hedgeAfterMs: positiveInteger.optional(),
  fallback: z
    .union([
      z.string().min(1),
      z.object({
        replies: z
          .record(z.string(), z.string().min(1))
          .refine((replies) => Object.keys(replies).length > 0, {
            message: 'needs at least one reply',
          }),
        defaultLanguage: z.string().optional(),
      }),
    ])
    .optional(),
  onNonRetryable: z.enum(['next-provider', 'fail-fast']).default('next-provider'),
  maxLedgerConversations: positiveInteger.default(10_000),
  clock: z.custom<Clock>((value) => typeof (value as Clock | undefined)?.now === 'function').optional(),
  logger: z.custom<Logger>((value) => typeof (value as Logger | undefined)?.warn === 'function').optional(),
});
