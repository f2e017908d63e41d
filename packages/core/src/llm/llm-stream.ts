import { type Span, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { abortableSleep } from '../clock/abortable-sleep.js';
import { SpanNames } from '../telemetry/names.js';
import { botkeelTracer } from '../telemetry/instruments.js';
import { BotkeelError } from '../errors/botkeel-error.js';
import { AbortedError, TimeoutError } from '../errors/subclasses.js';
import { CircuitOpenError } from '../resilience/circuit-open-error.js';
import { ProviderError } from '../resilience/provider-error.js';
import { backoffDelay } from '../resilience/retry.js';
import { withTimeout } from '../resilience/with-timeout.js';
import { LlmExhaustedError } from './llm-attempt.js';
import { fallbackReply } from './llm-router-options.js';
import { llmInstruments } from './llm-telemetry.js';
import {
  type LlmRequest,
  type LlmResponse,
  type LlmStreamChunk,
  type LlmStreamEvent,
  type LlmUsage,
} from './llm-types.js';
import { describeError, isRetryableForRouter, outcomeOf } from './provider-lane.js';
import { type ProviderSlot } from './provider-slot.js';
import { type RoutedCall } from './routed-call.js';
import { invalidOutputError, parseStructured } from './structured-output.js';

/** A provider without `stream` answers its whole completion as one chunk. */
async function* completeAsStream(
  slot: ProviderSlot,
  request: LlmRequest,
  signal: AbortSignal,
): AsyncGenerator<LlmStreamChunk> {
  const completion = await slot.provider.complete(request, signal);
  yield {
    text: completion.text,
    model: completion.model,
    ...(completion.usage === undefined ? {} : { usage: completion.usage }),
  };
}

interface OpenedStream {
  iterator: AsyncIterator<LlmStreamChunk>;
  controller: AbortController;
  first: LlmStreamChunk & { text: string };
  model: string | undefined;
  usage: LlmUsage | undefined;
}

/** Opens a provider stream and reads up to its first text, inside the per-attempt timeout. */
async function openStream(
  call: RoutedCall,
  slot: ProviderSlot,
  callSignal: AbortSignal,
): Promise<OpenedStream | undefined> {
  const controller = new AbortController();
  const forward = (): void => controller.abort(callSignal.reason);
  callSignal.addEventListener('abort', forward, { once: true });
  const request = call.request;
  const iterable =
    slot.provider.stream?.(request, controller.signal) ?? completeAsStream(slot, request, controller.signal);
  const iterator = iterable[Symbol.asyncIterator]();
  let model: string | undefined;
  let usage: LlmUsage | undefined;
  const timeoutMs = Math.max(
    1,
    Math.min(call.settings.attemptTimeoutMs, call.deadlineAtMs - call.clock.now()),
  );
  const readFirst = async (): Promise<(LlmStreamChunk & { text: string }) | undefined> => {
    for (;;) {
      const step = await iterator.next();
      if (step.done === true) return undefined;
      model = step.value.model ?? model;
      usage = step.value.usage ?? usage;
      if (step.value.text !== undefined && step.value.text !== '')
        return { ...step.value, text: step.value.text };
    }
  };
  try {
    const first = await withTimeout(() => readFirst(), timeoutMs, controller.signal, { clock: call.clock });
    if (first === undefined) {
      callSignal.removeEventListener('abort', forward);
      return undefined;
    }
    return { iterator, controller, first, model, usage };
  } catch (error) {
    controller.abort(error);
    callSignal.removeEventListener('abort', forward);
    throw error;
  }
}

/** Streams a routed call; see `LlmRouter.stream`. */
export async function* streamProviders<Output>(
  call: RoutedCall,
  slots: readonly ProviderSlot[],
  callerSignal: AbortSignal | undefined,
): AsyncGenerator<LlmStreamEvent<Output>> {
  const { clock, settings } = call;
  const callController = new AbortController();
  const onCallerAbort = (): void =>
    callController.abort(new AbortedError(undefined, { cause: callerSignal?.reason }));
  if (callerSignal?.aborted === true) onCallerAbort();
  callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  const deadlineTimer = clock.setTimeout(
    () =>
      callController.abort(
        new TimeoutError(`LLM deadline of ${settings.deadlineMs} ms reached`, settings.deadlineMs),
      ),
    call.deadlineAtMs - clock.now(),
    { unref: true },
  );
  let opened: OpenedStream | undefined;
  let openedSpan: Span | undefined;
  const streamStartedAtMs = clock.now();
  const completeSpan = botkeelTracer().startSpan(SpanNames.llmComplete, {
    attributes: { 'botkeel.llm.providers': slots.length, 'botkeel.llm.stream': true },
  });
  call.parentContext = trace.setSpan(context.active(), completeSpan);
  let answeredBy: ProviderSlot | undefined;
  let lastError: unknown;
  try {
    providers: for (const slot of slots) {
      if (slot.cooldownUntilMs > clock.now()) {
        call.recordSkip(slot.name, 'skipped-cooldown');
        continue;
      }
      for (let attempt = 1; attempt <= settings.retry.maxAttempts; attempt += 1) {
        if (callController.signal.aborted) break providers;
        const breaker = slot.breaker;
        if (breaker !== undefined && !breaker.isCallPermitted()) {
          call.recordSkip(slot.name, 'skipped-circuit-open');
          continue providers;
        }
        const startedAtMs = clock.now();
        const number = call.nextCallNumber(slot.name);
        const span = botkeelTracer().startSpan(
          SpanNames.llmAttempt,
          {
            attributes: {
              'botkeel.llm.provider': slot.name,
              'botkeel.llm.attempt': number,
              'botkeel.llm.stream': true,
            },
          },
          call.parentContext,
        );
        try {
          const open = (): Promise<OpenedStream | undefined> => openStream(call, slot, callController.signal);
          opened = breaker === undefined ? await open() : await breaker.execute(open, callController.signal);
          if (opened === undefined)
            throw new ProviderError('malformed-response', 'The stream ended without text', {
              provider: slot.name,
            });
          call.attempts.push({
            provider: slot.name,
            attempt: number,
            outcome: 'success',
            latencyMs: clock.now() - startedAtMs,
            ...(opened.model === undefined ? {} : { model: opened.model }),
          });
          llmInstruments().attempts.add(1, {
            provider: slot.name,
            model: opened.model ?? 'unknown',
            outcome: 'success',
          });
          span.setAttributes({
            'botkeel.llm.outcome': 'success',
            'botkeel.llm.model': opened.model ?? 'unknown',
            'botkeel.llm.first_delta_ms': clock.now() - startedAtMs,
          });
          openedSpan = span;
          answeredBy = slot;
          break providers;
        } catch (error) {
          span.setAttribute(
            'botkeel.llm.outcome',
            error instanceof CircuitOpenError
              ? 'skipped-circuit-open'
              : outcomeOf(error, callController.signal),
          );
          span.recordException(error instanceof Error ? error : String(error));
          span.setStatus({ code: SpanStatusCode.ERROR });
          span.end();
          if (error instanceof CircuitOpenError) {
            call.recordSkip(slot.name, 'skipped-circuit-open');
            continue providers;
          }
          lastError = error;
          const outcome = outcomeOf(error, callController.signal);
          call.attempts.push({
            provider: slot.name,
            attempt: number,
            outcome,
            latencyMs: clock.now() - startedAtMs,
            ...describeError(error),
          });
          llmInstruments().attempts.add(1, { provider: slot.name, outcome });
          if (
            error instanceof ProviderError &&
            error.kind === 'rate-limit' &&
            error.retryAfterMs !== undefined
          ) {
            slot.extendCooldown(clock.now() + error.retryAfterMs);
          }
          if (callController.signal.aborted) break providers;
          if (!isRetryableForRouter(error, settings.retry.maxRetryAfterMs)) {
            if (settings.onNonRetryable === 'fail-fast' && !BotkeelError.hasCode(error, 'TIMEOUT'))
              break providers;
            continue providers;
          }
          if (attempt === settings.retry.maxAttempts) continue providers;
          const delayMs = backoffDelay(attempt, error, {
            ...settings.retry,
            random: settings.retry.random ?? Math.random,
          });
          if (clock.now() + delayMs >= call.deadlineAtMs) continue providers;
          llmInstruments().retries.add(1, { provider: slot.name });
          try {
            await abortableSleep(
              clock,
              delayMs,
              callController.signal,
              () => callController.signal.reason as Error,
              {
                unref: true,
              },
            );
          } catch {
            break providers;
          }
        }
      }
    }

    if (opened === undefined || answeredBy === undefined) {
      if (callerSignal?.aborted === true) {
        yield { type: 'error', error: new AbortedError(undefined, { cause: callerSignal.reason }) };
        return;
      }
      const reply = fallbackReply(settings.fallback, call.request);
      if (reply === undefined) {
        yield { type: 'error', error: new LlmExhaustedError([...call.attempts], lastError) };
        return;
      }
      llmInstruments().fallbacks.add(1, {});
      yield { type: 'delta', text: reply };
      const response: LlmResponse<Output> = {
        text: reply,
        output: undefined,
        usage: { promptTokens: 0, completionTokens: 0 },
        provider: 'fallback',
        model: 'fallback',
        attempts: call.calls,
        fallback: true,
      };
      yield { type: 'done', response };
      return;
    }

    let text = opened.first.text;
    let { model, usage } = opened;
    yield { type: 'delta', text: opened.first.text };
    try {
      for (;;) {
        if (callController.signal.aborted) throw callController.signal.reason as Error;
        const step = await opened.iterator.next();
        if (step.done === true) break;
        model = step.value.model ?? model;
        usage = step.value.usage ?? usage;
        if (step.value.text !== undefined && step.value.text !== '') {
          text += step.value.text;
          yield { type: 'delta', text: step.value.text };
        }
      }
    } catch (error) {
      opened.controller.abort(error);
      openedSpan?.recordException(error instanceof Error ? error : String(error));
      openedSpan?.setStatus({ code: SpanStatusCode.ERROR });
      yield { type: 'error', error: error instanceof Error ? error : new Error(String(error)) };
      return;
    }
    const finalUsage = usage ?? { promptTokens: 0, completionTokens: 0 };
    openedSpan?.setAttributes({
      'botkeel.llm.latency_ms': clock.now() - streamStartedAtMs,
      'botkeel.llm.prompt_tokens': finalUsage.promptTokens,
      'botkeel.llm.completion_tokens': finalUsage.completionTokens,
    });
    call.recordUsage(answeredBy.name, model ?? 'unknown', finalUsage);
    let output: Output | undefined;
    const schema = call.request.schema as LlmRequest<Output>['schema'];
    if (schema !== undefined) {
      const parsed = parseStructured(text, schema);
      if (!parsed.isValid) {
        yield { type: 'error', error: invalidOutputError(answeredBy.name, parsed.problem) };
        return;
      }
      output = parsed.output;
    }
    yield {
      type: 'done',
      response: {
        text,
        output,
        usage: finalUsage,
        provider: answeredBy.name,
        model: model ?? 'unknown',
        attempts: call.calls,
        fallback: false,
      },
    };
  } finally {
    openedSpan?.end();
    completeSpan.end();
    clock.clearTimeout(deadlineTimer);
    callerSignal?.removeEventListener('abort', onCallerAbort);
    if (opened !== undefined && !opened.controller.signal.aborted) {
      opened.controller.abort(new AbortedError('The stream consumer stopped'));
      await opened.iterator.return?.().catch(() => undefined);
    }
  }
}
