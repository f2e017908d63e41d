import { once } from 'node:events';
import { type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import {
  type Ack,
  type BotMessage,
  SpanNames,
  currentContext,
  runWithContext,
  withSpan,
} from '@botkeel/core';
import { createManualClock } from '@botkeel/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalogue } from '../src/catalogue/catalogue.js';
import { createSalesMachine } from '../src/funnel/sales-machine.js';
import { createFaultSwitches } from '../src/playground/faults/fault-switches.js';
import { funnelChartOf, topLevelStateOf } from '../src/playground/funnel-chart.js';
import { createPlaygroundChannel } from '../src/playground/playground-channel.js';
import { createPlaygroundServer } from '../src/playground/playground-server.js';
import { installTracing } from '../src/playground/trace/install-tracing.js';
import { createTraceCollector } from '../src/playground/trace/trace-collector.js';

const machine = createSalesMachine(loadCatalogue(), {
  answer: () => Promise.resolve(''),
  recognizePhoto: () => Promise.resolve(undefined),
  placeOrder: () => Promise.resolve('1'),
});

describe('funnelChartOf', () => {
  it("reads the funnel's states and one-step targets from the machine definition", () => {
    const chart = funnelChartOf(machine);
    expect(chart.initial).toBe('STATE_0_INIT');
    expect(chart.states.map((state) => state.name)).toEqual([
      'STATE_0_INIT',
      'STATE_1_DISCOVERY',
      'STATE_2_PRODUCT',
      'STATE_3_SIZE_COLOUR',
      'STATE_4_OFFER',
      'STATE_5_OBJECTIONS',
      'STATE_6_ORDER',
      'STATE_7_END',
      'STATE_ESCALATED',
    ]);
    const offer = chart.states.find((state) => state.name === 'STATE_4_OFFER');
    expect(offer?.targets).toEqual(
      expect.arrayContaining(['STATE_5_OBJECTIONS', 'STATE_6_ORDER', 'STATE_ESCALATED']),
    );
    const order = chart.states.find((state) => state.name === 'STATE_6_ORDER');
    expect(order?.targets).toEqual(expect.arrayContaining(['STATE_7_END']));
    expect(order?.events).toEqual(expect.arrayContaining(['done', 'error', 'ESCALATE']));
    expect(chart.states.find((state) => state.name === 'STATE_7_END')?.isFinal).toBe(true);
  });

  it('names the top-level state of a persisted value', () => {
    expect(topLevelStateOf('STATE_0_INIT')).toBe('STATE_0_INIT');
    expect(topLevelStateOf({ STATE_1_DISCOVERY: 'waiting' })).toBe('STATE_1_DISCOVERY');
    expect(topLevelStateOf(undefined)).toBeUndefined();
  });
});

describe('the playground server', () => {
  const clock = createManualClock(1_000);
  const channel = createPlaygroundChannel();
  const faults = createFaultSwitches();
  const traces = createTraceCollector({
    annotate: (name) => (name === SpanNames.llmComplete ? { 'playground.breakers': 'a: closed' } : undefined),
  });
  const handled: { message: BotMessage; traceId: string | undefined }[] = [];
  let server: Server;
  let uninstall: () => void;
  let base: string;

  // A bot that records what it was given and emits two nested spans, as createBot's handle does.
  const bot = {
    handle: (message: BotMessage): Promise<Ack> =>
      runWithContext({ chatId: message.chatId }, () =>
        withSpan(SpanNames.update, {}, () =>
          withSpan(SpanNames.dedupeClaim, { 'botkeel.dedupe.result': 'claimed' }, () => {
            handled.push({ message, traceId: currentContext()?.traceId });
            return Promise.resolve<Ack>({ status: 'accepted' });
          }),
        ),
      ),
  };

  beforeAll(async () => {
    uninstall = installTracing(traces.processor);
    server = createPlaygroundServer({
      bot,
      channel,
      clock,
      funnel: funnelChartOf(machine),
      providers: ['offline-demo-primary', 'offline-demo-fallback'],
      stateOf: (chatId) => Promise.resolve(chatId === 'known' ? 'STATE_4_OFFER' : undefined),
      traces,
      faults,
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    uninstall();
    server.close();
    await once(server, 'close');
  });

  const post = (path: string, body: unknown) =>
    fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    });
  const get = (path: string) => fetch(base + path, { signal: AbortSignal.timeout(5_000) });

  it('hands a message to bot.handle and answers the ack with the trace id of the update', async () => {
    const response = await post('/api/chats/web-1/messages', { text: 'Привіт' });
    expect(response.status).toBe(202);
    const ack = (await response.json()) as { status: string; traceId: string };
    expect(ack.status).toBe('accepted');
    expect(ack.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(handled.at(-1)).toMatchObject({
      traceId: ack.traceId,
      message: { chatId: 'web-1', text: 'Привіт', receivedAt: 1_000 },
    });

    const { traces: list } = (await (await get('/api/chats/web-1/traces')).json()) as {
      traces: { traceId: string; steps: { name: string; attributes: Record<string, unknown> }[] }[];
    };
    expect(list).toHaveLength(1);
    expect(list[0]?.traceId).toBe(ack.traceId);
    expect(list[0]?.steps.map((step) => step.name)).toEqual([SpanNames.update, SpanNames.dedupeClaim]);
    expect(list[0]?.steps[1]?.attributes).toEqual({ 'botkeel.dedupe.result': 'claimed' });
    expect(await (await get('/api/chats/other/traces')).json()).toEqual({ traces: [] });
  });

  it('serves the funnel chart with the provider names, and the chat state', async () => {
    const funnel = (await (await get('/api/funnel')).json()) as {
      chart: { initial: string; states: unknown[] };
      providers: string[];
    };
    expect(funnel.chart.initial).toBe('STATE_0_INIT');
    expect(funnel.chart.states).toHaveLength(9);
    expect(funnel.providers).toEqual(['offline-demo-primary', 'offline-demo-fallback']);
    expect(await (await get('/api/chats/known/state')).json()).toEqual({ state: 'STATE_4_OFFER' });
    expect(await (await get('/api/chats/new-chat/state')).json()).toEqual({ state: null });
  });

  it('reads and flips fault switches, refusing unknown ones', async () => {
    const before = (await (await get('/api/faults')).json()) as {
      faults: Record<string, boolean>;
      labels: Record<string, string>;
    };
    expect(before.faults).toEqual({
      primaryLlmFailing: false,
      slowProvider: false,
      redisDown: false,
      telegram429: false,
    });
    expect(before.labels['redisDown']).toMatch(/Redis down/);
    const flipped = await post('/api/faults', { name: 'redisDown', isOn: true });
    expect(flipped.status).toBe(200);
    expect(faults.isOn('redisDown')).toBe(true);
    expect((await post('/api/faults', { name: 'toString', isOn: true })).status).toBe(400);
    expect((await post('/api/faults', { name: 'redisDown', isOn: 'yes' })).status).toBe(400);
    expect((await fetch(`${base}/api/faults`, { method: 'DELETE' })).status).toBe(405);
  });

  it('refuses bad chat ids, bad bodies and unknown paths', async () => {
    expect((await post('/api/chats/bad%20id/messages', { text: 'x' })).status).toBe(400);
    expect((await post('/api/chats/web-1/messages', { text: '' })).status).toBe(400);
    expect((await get('/api/chats/web-1/nothing')).status).toBe(404);
    expect((await get('/api/chats/web-1/replies?after=-1')).status).toBe(400);
  });
});

describe('the trace collector', () => {
  it("files a span started outside a chat's context under the chat of its children", async () => {
    const traces = createTraceCollector();
    const uninstall = installTracing(traces.processor);
    try {
      // Like the debounce flush: the span starts before runWithContext, its children inside it.
      // Its timer may carry the context of another update (here: another chat's); the children decide.
      await runWithContext({ chatId: 'chat-0', traceId: 'e'.repeat(32) }, () =>
        withSpan(SpanNames.debounceFlush, { 'botkeel.debounce.batch_id': 'b-1' }, () =>
          runWithContext({ chatId: 'chat-9', traceId: 'f'.repeat(32) }, () =>
            withSpan(SpanNames.turn, {}, () => Promise.resolve()),
          ),
        ),
      );
    } finally {
      uninstall();
    }
    const [trace] = traces.tracesOf('chat-9');
    expect(trace?.traceId).toBe('f'.repeat(32));
    expect(trace?.steps.map((step) => step.name)).toEqual([SpanNames.debounceFlush, SpanNames.turn]);
    expect(trace?.steps[0]?.attributes['botkeel.debounce.batch_id']).toBe('b-1');
    expect(traces.tracesOf('chat-0')).toEqual([]);
  });

  it('keeps at most maxTracesPerChat traces, oldest dropped first', async () => {
    const traces = createTraceCollector({ maxTracesPerChat: 2 });
    const uninstall = installTracing(traces.processor);
    try {
      for (const digit of ['1', '2', '3']) {
        await runWithContext({ chatId: 'chat-1', traceId: digit.repeat(32) }, () =>
          withSpan(SpanNames.update, {}, () => Promise.resolve()),
        );
      }
    } finally {
      uninstall();
    }
    expect(traces.tracesOf('chat-1').map((trace) => trace.traceId[0])).toEqual(['2', '3']);
  });
});
