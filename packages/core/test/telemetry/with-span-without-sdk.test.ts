import { SpanNames, withSpan } from '@botkeel/core';
import { trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';

// No OpenTelemetry SDK is registered in this file: withSpan takes its no-op path.
describe('withSpan without an SDK', () => {
  it("passes fn's result and rejection on unchanged, with a span that records nothing", async () => {
    expect(trace.getActiveSpan()).toBeUndefined();
    let isRecording: boolean | undefined;
    const value = await withSpan(SpanNames.turn, { 'botkeel.events': 1 }, (span) => {
      isRecording = span.isRecording();
      return Promise.resolve(42);
    });
    expect(value).toBe(42);
    expect(isRecording).toBe(false);
    const failure = new Error('turn failed');
    await expect(withSpan(SpanNames.turn, {}, () => Promise.reject(failure))).rejects.toBe(failure);
  });

  it('turns a synchronous throw of fn into a rejection with the same value', async () => {
    const thrown = { code: 'NOT_AN_ERROR' };
    const result = withSpan(SpanNames.channelSend, {}, () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- a non-Error on purpose
      throw thrown;
    });
    expect(result).toBeInstanceOf(Promise);
    await expect(result).rejects.toBe(thrown);
  });
});
