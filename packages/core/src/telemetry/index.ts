export { MetricNames, SpanNames, type MetricName, type SpanName } from './names.js';
export { botkeelTracer, botkeelMeter, withSpan } from './instruments.js';
