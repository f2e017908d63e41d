import { MemoryDebounceStore, MetricNames, SpanNames, createDebouncer } from '@botkeel/core';
import { createManualClock } from '@botkeel/core/testing';
import { describe, expect, it } from 'vitest';
import { installTestTelemetry } from '../helpers/telemetry.js';

const { spans, exporter, reader } = installTestTelemetry();

describe('createDebouncer telemetry', () => {
  it('counts flushes by outcome, records the flush lag and spans pushes and flushes', async () => {
    const clock = createManualClock(0);
    let calls = 0;
    const debouncer = createDebouncer<string>({
      store: new MemoryDebounceStore(),
      clock,
      quietMs: 1_000,
      maxWaitMs: 5_000,
      maxItems: 10,
      pollMs: 250,
      retryDelayMs: 500,
      onFlush: async () => {
        calls += 1;
        if (calls === 1) throw new Error('first delivery fails');
        await Promise.resolve();
      },
    });
    debouncer.start();
    await debouncer.push('chat-1', 'a');
    await debouncer.push('chat-1', 'b');
    await clock.advanceAsync(1_000);
    await clock.advanceAsync(600);
    await debouncer.stop();
    expect(calls).toBe(2);

    await reader.forceFlush();
    const exported = exporter
      .getMetrics()
      .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
    const flushes = exported.find((metric) => metric.descriptor.name === MetricNames.debounceFlushes);
    const byOutcome = Object.fromEntries(
      (flushes?.dataPoints ?? []).map((point) => [String(point.attributes.outcome), point.value]),
    );
    expect(byOutcome).toEqual({ failed: 1, acked: 1 });
    const lag = exported.find((metric) => metric.descriptor.name === MetricNames.debounceFlushLag);
    const histogram = lag?.dataPoints[0]?.value as { count: number; max?: number } | undefined;
    // First deliveries only (a retry is late on purpose); this one started right at its due time.
    expect(histogram?.count).toBe(1);
    expect(histogram?.max).toBe(0);

    const finished = spans.getFinishedSpans();
    expect(finished.filter((span) => span.name === SpanNames.debouncePush)).toHaveLength(2);
    const flushSpans = finished.filter((span) => span.name === SpanNames.debounceFlush);
    expect(flushSpans.map((span) => span.status.code)).toEqual([2, 0]);
    expect(flushSpans[1]?.attributes).toMatchObject({
      'botkeel.debounce.items': 2,
      'botkeel.debounce.deliveries': 2,
    });
  });
});
