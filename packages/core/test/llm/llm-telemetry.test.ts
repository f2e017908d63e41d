import { MetricNames, ProviderError, SpanNames, createCircuitBreaker, createLlmRouter } from '@botkeel/core';
import { createManualClock, createScriptedProvider } from '@botkeel/core/testing';
import { describe, expect, it } from 'vitest';
import { installTestTelemetry } from '../helpers/telemetry.js';

const { spans, exporter, reader } = installTestTelemetry();

async function exported(name: string): Promise<{ value: unknown; attributes: Record<string, unknown> }[]> {
  await reader.forceFlush();
  const all = exporter
    .getMetrics()
    .flatMap((resource) => resource.scopeMetrics.flatMap((scope) => scope.metrics));
  const metric = all.filter((candidate) => candidate.descriptor.name === name).at(-1);
  return (metric?.dataPoints ?? []).map((point) => ({ value: point.value, attributes: point.attributes }));
}

describe('resilience and LLM telemetry', () => {
  it('records the botkeel.circuit.state gauge and transitions per breaker', async () => {
    const clock = createManualClock(0);
    const breaker = createCircuitBreaker({ name: 'metrics-breaker', consecutiveFailures: 1, clock });
    await breaker.execute(() => Promise.reject(new ProviderError('server', '500'))).catch(() => undefined);
    const state = await exported(MetricNames.circuitState);
    expect(state.find((point) => point.attributes.breaker === 'metrics-breaker')?.value).toBe(2);
    const transitions = await exported(MetricNames.circuitTransitions);
    expect(transitions).toContainEqual({
      value: 1,
      attributes: { breaker: 'metrics-breaker', from: 'closed', to: 'open' },
    });
  });

  it('counts attempts, retries, fallbacks and tokens, and makes every attempt a child span', async () => {
    const clock = createManualClock(0);
    const model = createScriptedProvider({
      name: 'metered',
      script: [{ fault: 'server' }, { reply: 'ok', usage: { promptTokens: 11, completionTokens: 3 } }],
      clock,
    });
    const router = createLlmRouter({ providers: [model], clock, retry: { random: () => 0 } });
    const call = router.complete({ messages: [{ role: 'user', content: 'Hi' }] });
    await clock.runAllAsync();
    await call;
    const attempts = await exported(MetricNames.llmAttempts);
    expect(attempts).toContainEqual({ value: 1, attributes: { provider: 'metered', outcome: 'failure' } });
    expect(attempts).toContainEqual({
      value: 1,
      attributes: { provider: 'metered', model: 'scripted-1', outcome: 'success' },
    });
    expect(await exported(MetricNames.llmRetries)).toContainEqual({
      value: 1,
      attributes: { provider: 'metered' },
    });
    expect(await exported(MetricNames.llmTokens)).toContainEqual({
      value: 11,
      attributes: { provider: 'metered', model: 'scripted-1', kind: 'prompt' },
    });
    const finished = spans.getFinishedSpans();
    const parent = finished.find((span) => span.name === SpanNames.llmComplete);
    const children = finished.filter((span) => span.name === SpanNames.llmAttempt);
    expect(children.map((span) => span.attributes['botkeel.llm.outcome'])).toEqual(['failure', 'success']);
    for (const child of children) expect(child.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId);
    expect(children[1]?.attributes['botkeel.llm.prompt_tokens']).toBe(11);

    const down = createScriptedProvider({ name: 'down', script: [{ fault: 'bad-request' }], clock });
    await createLlmRouter({ providers: [down], clock, fallback: 'canned' }).complete({ messages: [] });
    expect((await exported(MetricNames.llmFallbacks))[0]?.value).toBe(1);
  });

  it('makes every streamed attempt a span under a complete span', async () => {
    spans.reset();
    const clock = createManualClock(0);
    const broken = createScriptedProvider({ name: 'broken-stream', script: [{ fault: 'server' }], clock });
    const healthy = createScriptedProvider({ name: 'healthy-stream', script: [{ reply: 'a b' }], clock });
    const router = createLlmRouter({ providers: [broken, healthy], clock, retry: { maxAttempts: 1 } });
    for await (const event of router.stream({ messages: [{ role: 'user', content: 'Hi' }] }))
      expect(event.type).not.toBe('error');
    const finished = spans.getFinishedSpans();
    const parent = finished.find((span) => span.name === SpanNames.llmComplete);
    const attempts = finished.filter((span) => span.name === SpanNames.llmAttempt);
    expect(
      attempts.map((span) => [
        span.attributes['botkeel.llm.provider'],
        span.attributes['botkeel.llm.outcome'],
      ]),
    ).toEqual([
      ['broken-stream', 'failure'],
      ['healthy-stream', 'success'],
    ]);
    for (const attempt of attempts)
      expect(attempt.parentSpanContext?.spanId).toBe(parent?.spanContext().spanId);
  });
});
