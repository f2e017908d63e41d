import { MetricNames, SpanNames, botkeelMeter, createLifecycle, withSpan } from '@botkeel/core';
import { createManualClock } from '@botkeel/core/testing';
import { describe, expect, it } from 'vitest';
import { installTestTelemetry } from '../helpers/telemetry.js';

const { spans, exporter: metricExporter, reader } = installTestTelemetry();

describe('telemetry', () => {
  it('exports stable, namespaced metric and span names', () => {
    for (const name of [...Object.values(MetricNames), ...Object.values(SpanNames)]) {
      expect(name).toMatch(/^botkeel\.[a-z_.]+$/);
    }
    expect(MetricNames.circuitState).toBe('botkeel.circuit.state');
  });

  it('withSpan nests spans, records errors and always ends them', async () => {
    await withSpan(SpanNames.shutdown, { 'botkeel.test': 1 }, async () => {
      await expect(
        withSpan(SpanNames.shutdown, {}, () => Promise.reject(new Error('inner failed'))),
      ).rejects.toThrow('inner failed');
    });
    const finished = spans.getFinishedSpans();
    expect(finished).toHaveLength(2);
    const [inner, outer] = finished;
    expect(inner?.parentSpanContext?.spanId).toBe(outer?.spanContext().spanId);
    expect(inner?.status.code).toBe(2);
    expect(inner?.events.some((event) => event.name === 'exception')).toBe(true);
    expect(outer?.attributes['botkeel.test']).toBe(1);
  });

  it('counts what the primitives report through the global meter', async () => {
    const clock = createManualClock();
    const lifecycle = createLifecycle({ clock });
    lifecycle.register('stuck', () => new Promise<void>(() => undefined));
    const pending = lifecycle.shutdown({ deadlineMs: 10 });
    await clock.advanceAsync(10);
    await pending;
    botkeelMeter().createCounter(MetricNames.shutdownUnclosed);
    await reader.forceFlush();
    const exported = metricExporter
      .getMetrics()
      .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
    const unclosed = exported.find((metric) => metric.descriptor.name === MetricNames.shutdownUnclosed);
    expect(unclosed?.dataPoints[0]?.value).toBe(1);
    expect(unclosed?.dataPoints[0]?.attributes).toEqual({ resource: 'stuck' });
  });
});
