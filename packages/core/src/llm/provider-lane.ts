import { type Span, SpanStatusCode } from '@opentelemetry/api';
import { BotkeelError } from '../errors/botkeel-error.js';
import { CircuitOpenError } from '../resilience/circuit-open-error.js';
import { isRetryableError } from '../resilience/fault-classifier.js';
import { ProviderError } from '../resilience/provider-error.js';
import { retryAfterFirstAttempt } from '../resilience/retry.js';
import { withTimeout } from '../resilience/with-timeout.js';
import { SpanNames } from '../telemetry/names.js';
import { botkeelTracer } from '../telemetry/instruments.js';
import { type LlmAttemptOutcome } from './llm-attempt.js';
import { llmInstruments } from './llm-telemetry.js';
import { type LlmCompletion, type LlmRequest } from './llm-types.js';
import { type ProviderSlot } from './provider-slot.js';
import { type RoutedCall } from './routed-call.js';
import { invalidOutputError, parseStructured, repairMessages } from './structured-output.js';

/** A provider's answer that passed the schema (when there was one). */
export interface LaneSuccess {
  slot: ProviderSlot;
  completion: LlmCompletion;
  output: unknown;
}

/** The outcome recorded for an error. */
export function outcomeOf(error: unknown, signal: AbortSignal | undefined): LlmAttemptOutcome {
  if (BotkeelError.hasCode(error, 'TIMEOUT')) return 'timeout';
  if (BotkeelError.hasCode(error, 'ABORTED') || signal?.aborted === true) return 'aborted';
  if (BotkeelError.hasCode(error, 'LLM_OUTPUT_INVALID')) return 'invalid-output';
  return 'failure';
}

/** A short, secret-free description of an error for attempt records. */
export function describeError(error: unknown): { errorCode: string; message: string } {
  if (error instanceof ProviderError) {
    return {
      errorCode: error.code,
      message: `${error.kind}${error.status === undefined ? '' : ` ${error.status}`}`,
    };
  }
  if (BotkeelError.isInstance(error)) return { errorCode: error.code, message: error.message.slice(0, 200) };
  return { errorCode: 'UNKNOWN', message: error instanceof Error ? error.name : typeof error };
}

/** Whether the router retries `error` on the same provider. */
export function isRetryableForRouter(error: unknown, maxRetryAfterMs: number): boolean {
  if (error instanceof CircuitOpenError) return false;
  if (
    error instanceof ProviderError &&
    error.kind === 'rate-limit' &&
    (error.retryAfterMs ?? 0) > maxRetryAfterMs
  ) {
    return false;
  }
  return isRetryableError(error);
}

/** One provider call through the per-attempt timeout, with its span, metrics and record. */
async function callOnce(
  call: RoutedCall,
  slot: ProviderSlot,
  request: LlmRequest,
  signal: AbortSignal | undefined,
  flags: { isHedge: boolean; isRepair: boolean },
): Promise<LlmCompletion> {
  const { clock, settings } = call;
  const startedAtMs = clock.now();
  const attempt = call.nextCallNumber(slot.name);
  const timeoutMs = Math.max(1, Math.min(settings.attemptTimeoutMs, call.deadlineAtMs - startedAtMs));
  const span: Span = botkeelTracer().startSpan(
    SpanNames.llmAttempt,
    {
      attributes: {
        'botkeel.llm.provider': slot.name,
        'botkeel.llm.attempt': attempt,
        'botkeel.llm.hedge': flags.isHedge,
      },
    },
    call.parentContext,
  );
  const instruments = llmInstruments();
  try {
    const completion = await withTimeout(
      (attemptSignal) => slot.provider.complete(request, attemptSignal),
      timeoutMs,
      signal,
      {
        clock,
      },
    );
    const latencyMs = clock.now() - startedAtMs;
    const usage = completion.usage ?? { promptTokens: 0, completionTokens: 0 };
    call.recordUsage(slot.name, completion.model, usage);
    span.setAttributes({
      'botkeel.llm.model': completion.model,
      'botkeel.llm.outcome': 'success',
      'botkeel.llm.latency_ms': latencyMs,
      'botkeel.llm.prompt_tokens': usage.promptTokens,
      'botkeel.llm.completion_tokens': usage.completionTokens,
    });
    instruments.attempts.add(1, { provider: slot.name, model: completion.model, outcome: 'success' });
    instruments.latency.record(latencyMs, { provider: slot.name, model: completion.model });
    call.attempts.push({
      provider: slot.name,
      attempt,
      outcome: 'success',
      model: completion.model,
      latencyMs,
      ...(flags.isRepair ? { isRepair: true } : {}),
      ...(flags.isHedge ? { isHedge: true } : {}),
    });
    return completion;
  } catch (error) {
    const outcome = outcomeOf(error, signal);
    const latencyMs = clock.now() - startedAtMs;
    if (error instanceof ProviderError && error.kind === 'rate-limit' && error.retryAfterMs !== undefined) {
      slot.extendCooldown(clock.now() + error.retryAfterMs);
    }
    span.setAttributes({ 'botkeel.llm.outcome': outcome, 'botkeel.llm.latency_ms': latencyMs });
    span.recordException(error instanceof Error ? error : String(error));
    span.setStatus({ code: SpanStatusCode.ERROR });
    instruments.attempts.add(1, { provider: slot.name, outcome });
    call.attempts.push({
      provider: slot.name,
      attempt,
      outcome,
      latencyMs,
      ...describeError(error),
      ...(flags.isRepair ? { isRepair: true } : {}),
      ...(flags.isHedge ? { isHedge: true } : {}),
    });
    throw error;
  } finally {
    span.end();
  }
}

/** A provider call plus, for structured output, one repair call when the reply fails the schema. */
async function completeValidated(
  call: RoutedCall,
  slot: ProviderSlot,
  signal: AbortSignal | undefined,
  isHedge: boolean,
): Promise<LaneSuccess> {
  const request = call.request;
  const completion = await callOnce(call, slot, request, signal, { isHedge, isRepair: false });
  const schema = request.schema;
  if (schema === undefined) return { slot, completion, output: undefined };
  const first = parseStructured(completion.text, schema);
  if (first.isValid) return { slot, completion, output: first.output };
  const last = call.attempts.at(-1);
  if (last !== undefined) {
    last.outcome = 'invalid-output';
    last.errorCode = 'LLM_OUTPUT_INVALID';
    last.message = first.problem.slice(0, 200);
  }
  const repairRequest: LlmRequest = {
    ...request,
    messages: repairMessages(request.messages, completion.text, first.problem),
  };
  const repaired = await callOnce(call, slot, repairRequest, signal, { isHedge, isRepair: true });
  const second = parseStructured(repaired.text, schema);
  if (second.isValid) return { slot, completion: repaired, output: second.output };
  const repairRecord = call.attempts.at(-1);
  if (repairRecord !== undefined) {
    repairRecord.outcome = 'invalid-output';
    repairRecord.errorCode = 'LLM_OUTPUT_INVALID';
    repairRecord.message = second.problem.slice(0, 200);
  }
  throw invalidOutputError(slot.name, second.problem);
}

/**
 * Runs one provider for a routed call: its retries with backoff (at least a 429's retry-after),
 * each call through the provider's breaker and the per-attempt timeout (clipped to the call's
 * deadline), all aborted with `signal`. The first attempt runs outside `retry`, so a call that
 * succeeds at once costs no retry timer and no AbortController.
 */
export function runLane(
  call: RoutedCall,
  slot: ProviderSlot,
  signal: AbortSignal | undefined,
  isHedge: boolean,
): Promise<LaneSuccess> {
  const { settings, clock } = call;
  const breaker = slot.breaker;
  const attempt = (attemptSignal: AbortSignal | undefined): Promise<LaneSuccess> => {
    if (breaker === undefined) return completeValidated(call, slot, attemptSignal, isHedge);
    return breaker
      .execute((breakerSignal) => completeValidated(call, slot, breakerSignal, isHedge), attemptSignal)
      .then(undefined, (error: unknown) => {
        if (error instanceof CircuitOpenError) {
          call.recordSkip(slot.name, 'skipped-circuit-open');
        }
        throw error;
      });
  };
  return attempt(signal).then(undefined, (error: unknown) => {
    const maxRetryAfterMs = settings.retry.maxRetryAfterMs;
    if (
      settings.retry.maxAttempts <= 1 ||
      signal?.aborted === true ||
      !isRetryableForRouter(error, maxRetryAfterMs)
    ) {
      throw error;
    }
    return retryAfterFirstAttempt(
      ({ signal: attemptSignal }) => attempt(attemptSignal),
      {
        maxAttempts: settings.retry.maxAttempts,
        baseDelayMs: settings.retry.baseDelayMs,
        maxDelayMs: settings.retry.maxDelayMs,
        maxRetryAfterMs,
        ...(settings.retry.random === undefined ? {} : { random: settings.retry.random }),
        deadlineAtMs: call.deadlineAtMs,
        ...(signal === undefined ? {} : { signal }),
        clock,
        isRetryable: (failure) => isRetryableForRouter(failure, maxRetryAfterMs),
        onRetry: () => llmInstruments().retries.add(1, { provider: slot.name }),
      },
      error,
    );
  });
}
