import {
  type Attributes,
  type Meter,
  type Span,
  SpanStatusCode,
  type Tracer,
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
  return botkeelTracer().startActiveSpan(name, { attributes }, async (span) => {
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
