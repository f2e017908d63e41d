import {
  type Attributes,
  type Counter,
  type MeterProvider,
  createNoopMeter,
  metrics,
} from '@opentelemetry/api';
import { MemoryRateLimitStore, MetricNames, createManualClock, createRateLimiter } from '@botkeel/core';
import { expect, it } from 'vitest';
import { SwitchableStore } from './chain-fixtures.js';

const recorded: { name: string; value: number; attributes: Attributes | undefined }[] = [];
const meter = createNoopMeter();
const recordingMeter = Object.assign(Object.create(meter) as typeof meter, {
  createCounter: (name: string): Counter => ({
    add: (value: number, attributes?: Attributes) => recorded.push({ name, value, attributes }),
  }),
});
const provider: MeterProvider = { getMeter: () => recordingMeter };
metrics.setGlobalMeterProvider(provider);

it('counts every decision and every fallback in botkeel.ratelimit.fallbacks, by source', async () => {
  const clock = createManualClock(0);
  const primary = new SwitchableStore('redis', clock);
  const limiter = createRateLimiter({
    rules: [{ limit: 100, windowMs: 1_000 }],
    chain: [primary, new MemoryRateLimitStore({ clock })],
    clock,
  });
  await limiter.consume('u');
  primary.mode = 'throw';
  for (let call = 0; call < 4; call += 1) await limiter.consume('u');
  const fallbacks = recorded.filter((entry) => entry.name === MetricNames.rateLimitFallbacks);
  expect(fallbacks).toHaveLength(4);
  expect(fallbacks[0]?.attributes).toEqual({ source: 'memory', allowed: true });
  const decisions = recorded.filter((entry) => entry.name === MetricNames.rateLimitDecisions);
  expect(decisions.map((entry) => entry.attributes?.source)).toEqual([
    'redis',
    'memory',
    'memory',
    'memory',
    'memory',
  ]);
});
