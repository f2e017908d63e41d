import { type Context } from '@opentelemetry/api';
import { type z } from 'zod';
import { type Clock } from '../clock/clock.js';
import { type LlmAttempt, type LlmAttemptOutcome } from './llm-attempt.js';
import { type llmRouterOptionsSchema } from './llm-router-options.js';
import { llmInstruments } from './llm-telemetry.js';
import { type LlmRequest, type LlmUsage } from './llm-types.js';
import { type UsageLedger } from './usage-ledger.js';

/** The router's validated options. */
export type RouterSettings = z.output<typeof llmRouterOptionsSchema>;

/** The state of one routed call: its deadline, every step taken, and the calls made. */
export class RoutedCall {
  readonly attempts: LlmAttempt[] = [];
  /** The context of the call's span, the parent of every attempt span. */
  parentContext: Context | undefined;
  readonly deadlineAtMs: number;
  #calls = 0;
  readonly #callsByProvider = new Map<string, number>();

  constructor(
    readonly request: LlmRequest,
    readonly settings: RouterSettings,
    readonly clock: Clock,
    readonly ledger: UsageLedger,
  ) {
    this.deadlineAtMs = clock.now() + settings.deadlineMs;
  }

  /** Provider calls made so far. */
  get calls(): number {
    return this.#calls;
  }

  /** Counts a provider call and answers its number on that provider (1-based). */
  nextCallNumber(provider: string): number {
    this.#calls += 1;
    const next = (this.#callsByProvider.get(provider) ?? 0) + 1;
    this.#callsByProvider.set(provider, next);
    return next;
  }

  /** Records a provider passed over without a call (its circuit is open or it is cooling down). */
  recordSkip(provider: string, outcome: Extract<LlmAttemptOutcome, `skipped-${string}`>): void {
    this.attempts.push({ provider, attempt: 0, outcome, latencyMs: 0 });
  }

  /** Adds a completion's tokens to the ledger and the token counter. */
  recordUsage(provider: string, model: string, usage: LlmUsage): void {
    this.ledger.add(provider, model, usage, this.request.conversationId);
    const tokens = llmInstruments().tokens;
    if (usage.promptTokens > 0) tokens.add(usage.promptTokens, { provider, model, kind: 'prompt' });
    if (usage.completionTokens > 0)
      tokens.add(usage.completionTokens, { provider, model, kind: 'completion' });
  }
}
