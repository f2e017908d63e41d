import { type AttributeValue, type Attributes, type HrTime, SpanStatusCode } from '@opentelemetry/api';
import { type ReadableSpan, type Span, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { SpanNames, currentContext } from '@botkeel/core';

/** One step of a message's path: one finished span. */
export interface TraceStep {
  readonly name: string;
  /** Milliseconds from the trace's first step to this one's start. */
  readonly offsetMs: number;
  readonly durationMs: number;
  readonly isError: boolean;
  readonly attributes: Readonly<Attributes>;
  /** Events recorded on the span (retries, 429s, exceptions), in order. */
  readonly events: readonly string[];
}

/** Everything Botkeel did for one message: the update's ingress steps and the turn it led to. */
export interface MessageTrace {
  /** Botkeel's trace id (the update's; a turn continues the trace of its batch's first message). */
  readonly traceId: string;
  readonly chatId: string;
  readonly startedAtMs: number;
  readonly steps: readonly TraceStep[];
}

/** Options of {@link createTraceCollector}. */
export interface TraceCollectorOptions {
  /** Traces kept per chat (oldest dropped first). Default 30. */
  readonly maxTracesPerChat?: number;
  /** Chats kept (least recently traced dropped first). Default 1,000. */
  readonly maxChats?: number;
  /** Extra attributes for a step when its span ends (e.g. the breaker states after an LLM call). */
  readonly annotate?: (spanName: string) => Record<string, AttributeValue> | undefined;
}

interface Owner {
  readonly chatId: string;
  readonly traceId: string;
  /** Start order among all spans: span start times can be off by up to a millisecond between spans. */
  readonly order: number;
}

interface TraceRecord {
  readonly traceId: string;
  readonly chatId: string;
  readonly steps: (TraceStep & { startMs: number; order: number })[];
}

const millisecondsOf = (time: HrTime): number => time[0] * 1_000 + time[1] / 1_000_000;
const spansInFlightLimit = 10_000;

/**
 * Collects Botkeel's OpenTelemetry spans per chat and per message, as an OpenTelemetry
 * `SpanProcessor`: a span belongs to the chat and trace of the Botkeel context it was started in
 * (`currentContext()`), and a span started outside one, or the debounce flush (whose timer may carry
 * a stale context), to those of its children.
 * Bounded in chats, traces per chat and spans in flight.
 */
export function createTraceCollector(options: TraceCollectorOptions = {}) {
  const maxTraces = options.maxTracesPerChat ?? 30;
  const maxChats = options.maxChats ?? 1_000;
  const owners = new Map<string, Owner>();
  const chats = new Map<string, Map<string, TraceRecord>>();
  let started = 0;

  const remember = (spanId: string, owner: Owner) => {
    owners.set(spanId, owner);
    if (owners.size > spansInFlightLimit) owners.delete(owners.keys().next().value as string);
  };

  const recordOf = (owner: Owner): TraceRecord => {
    let traces = chats.get(owner.chatId);
    if (traces === undefined) {
      traces = new Map();
      if (chats.size >= maxChats) chats.delete(chats.keys().next().value as string);
    } else {
      chats.delete(owner.chatId);
    }
    chats.set(owner.chatId, traces);
    let record = traces.get(owner.traceId);
    if (record === undefined) {
      record = { traceId: owner.traceId, chatId: owner.chatId, steps: [] };
      traces.set(owner.traceId, record);
      if (traces.size > maxTraces) traces.delete(traces.keys().next().value as string);
    }
    return record;
  };

  const processor: SpanProcessor = {
    onStart(span: Span) {
      // A flush runs from a timer that may carry the context of whichever update armed it: it
      // belongs to the batch its children (run in the batch's own context) belong to.
      if (span.name === SpanNames.debounceFlush) return;
      const context = currentContext();
      if (context?.chatId === undefined) return;
      started += 1;
      const owner = { chatId: context.chatId, traceId: context.traceId, order: started };
      remember(span.spanContext().spanId, owner);
      const parentId = span.parentSpanContext?.spanId;
      if (parentId !== undefined && !owners.has(parentId))
        remember(parentId, { ...owner, order: started - 0.5 });
    },
    onEnd(span: ReadableSpan) {
      const spanId = span.spanContext().spanId;
      const owner = owners.get(spanId);
      owners.delete(spanId);
      if (owner === undefined) return;
      const startMs = millisecondsOf(span.startTime);
      recordOf(owner).steps.push({
        name: span.name,
        startMs,
        order: owner.order,
        offsetMs: 0,
        durationMs: Math.round(millisecondsOf(span.duration) * 10) / 10,
        isError: span.status.code === SpanStatusCode.ERROR,
        attributes: { ...span.attributes, ...options.annotate?.(span.name) },
        events: span.events.map((event) =>
          event.name === 'exception'
            ? `exception: ${String(event.attributes?.['exception.message'] ?? '')}`
            : event.name,
        ),
      });
    },
    forceFlush: () => Promise.resolve(),
    shutdown: () => Promise.resolve(),
  };

  /** The chat's traces, oldest first, each with its steps in start order. */
  const tracesOf = (chatId: string): MessageTrace[] =>
    [...(chats.get(chatId)?.values() ?? [])].map((record) => {
      const steps = [...record.steps].sort((a, b) => a.order - b.order);
      const firstMs = steps[0]?.startMs ?? 0;
      return {
        traceId: record.traceId,
        chatId: record.chatId,
        startedAtMs: Math.round(firstMs),
        steps: steps.map(({ startMs, order: _order, ...step }) => ({
          ...step,
          offsetMs: Math.round((startMs - firstMs) * 10) / 10,
        })),
      };
    });

  return { processor, tracesOf };
}

/** A trace collector built by {@link createTraceCollector}. */
export type TraceCollector = ReturnType<typeof createTraceCollector>;
