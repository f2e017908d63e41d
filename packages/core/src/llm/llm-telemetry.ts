import { type Counter, type Histogram } from '@opentelemetry/api';
import { MetricNames } from '../telemetry/names.js';
import { botkeelMeter } from '../telemetry/instruments.js';

interface LlmInstruments {
  attempts: Counter;
  retries: Counter;
  fallbacks: Counter;
  hedges: Counter;
  tokens: Counter;
  latency: Histogram;
}

let instruments: LlmInstruments | undefined;

/** The LLM instruments, created once and shared by every router. */
export function llmInstruments(): LlmInstruments {
  if (instruments === undefined) {
    const meter = botkeelMeter();
    instruments = {
      attempts: meter.createCounter(MetricNames.llmAttempts, {
        description: 'LLM attempts by provider, model, outcome',
      }),
      retries: meter.createCounter(MetricNames.llmRetries, {
        description: 'LLM retries after a retryable failure',
      }),
      fallbacks: meter.createCounter(MetricNames.llmFallbacks, {
        description: 'Calls answered with the canned reply',
      }),
      hedges: meter.createCounter(MetricNames.llmHedges, { description: 'Hedged LLM attempts started' }),
      tokens: meter.createCounter(MetricNames.llmTokens, {
        description: 'LLM tokens by provider, model, kind',
      }),
      latency: meter.createHistogram(MetricNames.llmLatency, {
        description: 'LLM attempt latency',
        unit: 'ms',
      }),
    };
  }
  return instruments;
}
