import {
  type Attributes,
  INVALID_SPAN_CONTEXT,
  type Meter,
  ProxyTracerProvider,
  type Span,
  SpanStatusCode,
  type Tracer,
  type TracerProvider,
  context,
  isSpanContextValid,
  metrics,
  trace,
} from '@opentelemetry/api';
import { type SpanName } from './names.js';

const scope = '@botkeel/core';

/** The tracer of the last provider seen (the API's proxy answers a new ProxyTracer per call). */
let tracerOf: { readonly provider: TracerProvider; readonly tracer: Tracer } | undefined;

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
  const provider = trace.getTracerProvider();
  // A ProxyTracer follows a delegate registered later by itself; a new provider (after `disable`) gets its own.
  if (provider !== tracerOf?.provider) tracerOf = { provider, tracer: provider.getTracer(scope) };
  return tracerOf.tracer;
}

/** What the API's proxy delegates to until an SDK is registered (its no-op provider, one per API copy). */
const noSdkDelegate = new ProxyTracerProvider().getDelegate();

/** The span every no-op `withSpan` hands out: records nothing, has an invalid context, ends as a no-op. */
const inertSpan: Span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);

/**
 * True when a span started now would be the API's no-op one with nothing to pass on: no SDK behind the
 * global provider and no span (a traced parent) in the active context.
 */
function isTracingOff(): boolean {
  const provider = trace.getTracerProvider();
  if (!(provider instanceof ProxyTracerProvider) || provider.getDelegate() !== noSdkDelegate) return false;
  const parent = trace.getSpanContext(context.active());
  return parent === undefined || !isSpanContextValid(parent);
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

/** The attributes of a span that has none at its start: one frozen object for every such call. */
export const noAttributes: Attributes = Object.freeze({});

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
  // No SDK registered and no traced parent: the span would be a no-op with an invalid context, which
  // has nothing to record, end or pass on to child spans, so `fn` runs with a shared inert span,
  // without an async wrapper or a context switch (and without asking the no-op tracer for a span).
  const isOff = isTracingOff();
  const span = isOff ? inertSpan : botkeelTracer().startSpan(name, { attributes });
  if (isOff || (!span.isRecording() && !isSpanContextValid(span.spanContext()))) {
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
