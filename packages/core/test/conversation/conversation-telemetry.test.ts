import { MemoryCheckpointStore, MetricNames, SpanNames, createConversation } from '@botkeel/core';
import { createManualClock } from '@botkeel/core/testing';
import { describe, expect, it } from 'vitest';
import { installTestTelemetry } from '../helpers/telemetry.js';
import { funnelMachine } from './sales-funnel.js';

const { spans, exporter, reader } = installTestTelemetry();

describe('createConversation telemetry', () => {
  it('counts turns by outcome and conflicts, records their durations and spans every turn', async () => {
    const clock = createManualClock(0);
    const checkpoints = new MemoryCheckpointStore();
    const conversation = createConversation({ machine: funnelMachine, checkpoints, clock });
    await conversation.turn('t', [{ type: 'TEXT', text: 'hi' }]); // light path
    await conversation.turn('t', [
      { type: 'BUDGET', amount: 5 },
      { type: 'TIMELINE', weeks: 2 },
    ]); // actor (invoke)
    // Another writer saves first: this turn loses the compare-and-swap.
    const slowSave = checkpoints.save.bind(checkpoints);
    checkpoints.save = async (threadId, snapshot, options) => {
      await slowSave(threadId, snapshot, options);
      return slowSave(threadId, snapshot, options);
    };
    await expect(conversation.turn('t', [{ type: 'ACCEPT' }])).rejects.toMatchObject({
      code: 'VERSION_CONFLICT',
    });

    await reader.forceFlush();
    const exported = exporter
      .getMetrics()
      .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
    const byOutcome = Object.fromEntries(
      (exported.find((metric) => metric.descriptor.name === MetricNames.turns)?.dataPoints ?? []).map(
        (point) => [String(point.attributes.outcome), point.value],
      ),
    );
    expect(byOutcome).toEqual({ completed: 2, version_conflict: 1 });
    const conflicts = exported.find((metric) => metric.descriptor.name === MetricNames.checkpointConflicts);
    expect(conflicts?.dataPoints[0]?.value).toBe(1);
    const durations = exported.find((metric) => metric.descriptor.name === MetricNames.turnDuration);
    expect((durations?.dataPoints[0]?.value as { count: number } | undefined)?.count).toBe(3);
    const turnSpans = spans.getFinishedSpans().filter((span) => span.name === SpanNames.turn);
    expect(turnSpans.map((span) => span.status.code)).toEqual([0, 0, 2]);
  });
});
