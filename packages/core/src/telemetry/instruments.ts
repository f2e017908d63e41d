import {
  type Attributes,
  type Meter,
  type Span,
  SpanStatusCode,
  type Tracer,
  context,
  isSpanContextValid,
  metrics,
  trace,
} from '@opentelemetry/api';
import { type SpanName } from './names.js';

const scope = '@botkeel/core';

/**
 * Botkeel's tracer from the globally registered OpenTelemetry provider (a no-op until an SDK is
 * registered).
 *
 * @example
 * ```ts
 * const span = botkeelTracer().startSpan(SpanNames.turn);
 * ```
 */
export function botkeelTracer(): Tracer {
  return trace.getTracer(scope);
}

/**
 * Botkeel's meter from the globally registered OpenTelemetry provider. Instruments are created when
 * a primitive is constructed, so register the SDK before building the bot.
 *
 * @example
 * ```ts
 * const attempts = botkeelMeter().createCounter(MetricNames.llmAttempts);
 * ```
 */
export function botkeelMeter(): Meter {
  return metrics.getMeter(scope);
}

/**
 * Runs `fn` inside an active span named `name`; records an exception and an error status when it
 * throws or rejects, and always ends the span.
 *
 * @example
 * ```ts
 * const decision = await withSpan(SpanNames.rateLimitConsume, { 'botkeel.keys': 2 }, () => limiter.consume(keys));
 * ```
 */
export function withSpan<T>(
  name: SpanName,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const span = botkeelTracer().startSpan(name, { attributes });
  // No SDK registered and no traced parent: a no-op span with an invalid context, which has nothing to
  // record, end or pass on to child spans, so `fn` runs without an async wrapper or a context switch.
  if (!span.isRecording() && !isSpanContextValid(span.spanContext())) {
    try {
      return fn(span);
    } catch (error) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what fn threw, unchanged, as before
      return Promise.reject(error);
    }
  }
  return context.with(trace.setSpan(context.active(), span), async () => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error instanceof Error ? error : String(error));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  });
}
