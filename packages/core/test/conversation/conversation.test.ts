import {
  type AbortSource,
  BotkeelError,
  MemoryCheckpointStore,
  abortSourceOf,
  MemoryLockStore,
  createChatLock,
  createConversation,
  createManualClock,
  withEscalation,
  type ConversationReply,
  type ManualClock,
} from '@botkeel/core';
import { assign, emit, fromPromise, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { funnelBase, funnelMachine } from './sales-funnel.js';

const outcome = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

/** The funnel with an LLM that answers after `delayMs` on the manual clock and records its abort signal. */
function funnelWithLlm(clock: ManualClock, delayMs: number, answer: 'resolve' | 'reject' = 'resolve') {
  const signals: AbortSignal[] = [];
  const machine = funnelMachine.provide({
    actors: {
      offerFromLlm: fromPromise(
        ({ input, signal }: { input: { budget: number | undefined }; signal: AbortSignal }) => {
          signals.push(signal);
          return new Promise<string>((resolve, reject) => {
            clock.setTimeout(() => {
              if (answer === 'resolve') resolve(`Plan for ${input.budget ?? 0} EUR`);
              else reject(new Error('provider down'));
            }, delayMs);
          });
        },
      ),
    },
  });
  return { machine, signals };
}

async function toOffer(
  conversation: { turn: (id: string, events: never[]) => Promise<unknown> },
  threadId: string,
) {
  await conversation.turn(threadId, [{ type: 'TEXT', text: 'hi' }] as never[]);
  await conversation.turn(threadId, [{ type: 'TEXT', text: 'tell me more' }] as never[]);
  await conversation.turn(threadId, [{ type: 'BUDGET', amount: 900 }] as never[]);
}

describe('createConversation', () => {
  it('starts a thread, saves version 1 and returns state, context and replies', async () => {
    const checkpoints = new MemoryCheckpointStore();
    const conversation = createConversation({
      machine: funnelMachine,
      checkpoints,
      clock: createManualClock(0),
    });
    const result = await conversation.turn('chat:1', [{ type: 'TEXT', text: 'hi' }]);
    expect(result).toMatchObject({
      threadId: 'chat:1',
      version: 1,
      machineVersion: 1,
      state: 'STATE_1_GREETING',
      status: 'active',
      isHandedOff: false,
      escalation: undefined,
    });
    expect(result.context.messages).toBe(1);
    expect(result.replies).toEqual([{ type: 'reply', text: 'Hello! What is your budget?' }]);
    const stored = await checkpoints.load('chat:1');
    expect(stored).toMatchObject({ version: 1, machineVersion: 1 });
    expect((stored?.snapshot as { value: unknown }).value).toBe('STATE_1_GREETING');
  });

  it('continues from the checkpoint on the next turn, also with a new engine on the same store', async () => {
    const checkpoints = new MemoryCheckpointStore();
    const first = createConversation({ machine: funnelMachine, checkpoints, clock: createManualClock(0) });
    await first.turn('chat:1', [{ type: 'TEXT', text: 'hi' }]);
    const second = createConversation({ machine: funnelMachine, checkpoints, clock: createManualClock(0) });
    const result = await second.turn('chat:1', [
      { type: 'TEXT', text: 'go on' },
      { type: 'BUDGET', amount: 300 },
    ]);
    expect(result.state).toEqual({ STATE_2_QUALIFY: 'askingTimeline' });
    expect(result.context.budget).toBe(300);
    expect(result.version).toBe(2);
    expect(result.replies.map((reply) => reply.text)).toEqual(['When do you need it?']);
  });

  it('waits for an invoked LLM call to finish before saving, and returns the reply it produced', async () => {
    const clock = createManualClock(0);
    const { machine } = funnelWithLlm(clock, 500);
    const checkpoints = new MemoryCheckpointStore();
    const conversation = createConversation({ machine, checkpoints, clock });
    await toOffer(conversation, 'chat:1');
    let isDone = false;
    const turn = conversation.turn('chat:1', [{ type: 'TIMELINE', weeks: 3 }]).finally(() => {
      isDone = true;
    });
    await clock.advanceAsync(499);
    expect(isDone).toBe(false);
    expect((await checkpoints.load('chat:1'))?.version).toBe(3);
    await clock.advanceAsync(1);
    const result = await turn;
    expect(result.state).toEqual({ STATE_3_OFFER: 'presented' });
    expect(result.context.offer).toBe('Plan for 900 EUR');
    expect(result.replies.map((reply) => reply.text)).toEqual(['Plan for 900 EUR']);
    expect(result.version).toBe(4);
  });

  it('rejects with TIMEOUT when the machine does not settle in time, stops the call and saves nothing', async () => {
    const clock = createManualClock(0);
    const { machine, signals } = funnelWithLlm(clock, 60_000);
    const checkpoints = new MemoryCheckpointStore();
    const conversation = createConversation({ machine, checkpoints, clock, settleTimeoutMs: 1_000 });
    await toOffer(conversation, 'chat:1');
    const error = outcome(conversation.turn('chat:1', [{ type: 'TIMELINE', weeks: 3 }]));
    await clock.advanceAsync(1_000);
    expect(BotkeelError.hasCode(await error, 'TIMEOUT')).toBe(true);
    expect(signals.at(-1)?.aborted).toBe(true);
    const stored = await checkpoints.load('chat:1');
    expect(stored?.version).toBe(3);
    expect((stored?.snapshot as { value: unknown }).value).toEqual({ STATE_2_QUALIFY: 'askingTimeline' });
  });

  it('rejects with ABORTED when the signal aborts mid-turn, stops the call and saves nothing', async () => {
    const clock = createManualClock(0);
    const { machine, signals } = funnelWithLlm(clock, 5_000);
    const checkpoints = new MemoryCheckpointStore();
    const conversation = createConversation({ machine, checkpoints, clock });
    await toOffer(conversation, 'chat:1');
    const controller = new AbortController();
    const error = outcome(
      conversation.turn('chat:1', [{ type: 'TIMELINE', weeks: 3 }], { signal: controller.signal }),
    );
    await clock.advanceAsync(100);
    controller.abort();
    expect(BotkeelError.hasCode(await error, 'ABORTED')).toBe(true);
    expect(signals.at(-1)?.aborted).toBe(true);
    expect((await checkpoints.load('chat:1'))?.version).toBe(3);
    const already = new AbortController();
    already.abort();
    const early = await outcome(conversation.turn('chat:2', [], { signal: already.signal }));
    expect(BotkeelError.hasCode(early, 'ABORTED')).toBe(true);
    expect(await checkpoints.load('chat:2')).toBeUndefined();
  });

  it('takes an abortSource instead of a signal: same aborts, its signal read only to wait on the LLM', async () => {
    const clock = createManualClock(0);
    const { machine, signals } = funnelWithLlm(clock, 5_000);
    const checkpoints = new MemoryCheckpointStore();
    const conversation = createConversation({ machine, checkpoints, clock });
    const controller = new AbortController();
    let signalReads = 0;
    const source = abortSourceOf(controller.signal);
    const counted: AbortSource = {
      get isAborted() {
        return source.isAborted;
      },
      get reason(): unknown {
        return source.reason;
      },
      get signal() {
        signalReads += 1;
        return source.signal;
      },
      addAbortListener: (listener) => source.addAbortListener(listener),
      removeAbortListener: (listener) => source.removeAbortListener(listener),
    };
    // A turn that waits on nothing never reads the signal.
    await conversation.turn('chat:3', [{ type: 'TEXT', text: 'hi' }] as never[], { abortSource: counted });
    expect(signalReads).toBe(0);
    expect((await checkpoints.load('chat:3'))?.version).toBe(1);
    await toOffer(conversation, 'chat:1');
    const error = outcome(
      conversation.turn('chat:1', [{ type: 'TIMELINE', weeks: 3 }], { abortSource: counted }),
    );
    await clock.advanceAsync(100);
    controller.abort();
    expect(BotkeelError.hasCode(await error, 'ABORTED')).toBe(true);
    expect(signalReads).toBeGreaterThan(0);
    expect(signals.at(-1)?.aborted).toBe(true);
    const version = (await checkpoints.load('chat:1'))?.version;
    const early = await outcome(conversation.turn('chat:1', [], { abortSource: counted }));
    expect(BotkeelError.hasCode(early, 'ABORTED')).toBe(true);
    expect((await checkpoints.load('chat:1'))?.version).toBe(version);
    const both = await outcome(
      conversation.turn('chat:2', [], { signal: controller.signal, abortSource: counted }),
    );
    expect(BotkeelError.hasCode(both, 'INVALID_OPTIONS')).toBe(true);
    expect(await checkpoints.load('chat:2')).toBeUndefined();
  });

  it('lets exactly one of 10 concurrent unserialized turns save; the others reject with VERSION_CONFLICT', async () => {
    const clock = createManualClock(0);
    const checkpoints = new MemoryCheckpointStore();
    const conversation = createConversation({ machine: funnelMachine, checkpoints, clock });
    await conversation.turn('chat:1', [{ type: 'TEXT', text: 'hi' }]);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, index) =>
        conversation.turn('chat:1', [{ type: 'BUDGET', amount: index }]),
      ),
    );
    const winners = results.filter((result) => result.status === 'fulfilled');
    const losers = results.filter((result) => result.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers.every((loser) => BotkeelError.hasCode(loser.reason, 'VERSION_CONFLICT'))).toBe(true);
    const stored = await checkpoints.load('chat:1');
    expect(stored?.version).toBe(2);
    expect((stored?.snapshot as { context: { budget: number } }).context.budget).toBe(
      winners[0]?.value.context.budget,
    );
  });

  it('runs concurrent turns of one chat one after another under createChatLock, without conflicts', async () => {
    const clock = createManualClock(0);
    const checkpoints = new MemoryCheckpointStore();
    const conversation = createConversation({ machine: funnelMachine, checkpoints, clock });
    const chatLock = createChatLock({ locks: new MemoryLockStore({ clock }), clock });
    const events = [
      { type: 'TEXT', text: 'hi' },
      { type: 'TEXT', text: 'more' },
      { type: 'BUDGET', amount: 10 },
    ] as const;
    const results = await Promise.all(
      events.map((event) =>
        chatLock.run('1', ({ signal }) => conversation.turn('chat:1', [event], { signal })),
      ),
    );
    expect(results.map((result) => result.version)).toEqual([1, 2, 3]);
    expect(results.at(-1)?.state).toEqual({ STATE_2_QUALIFY: 'askingTimeline' });
  });

  it('reports an escalation the machine reached by itself (LLM failure) and then delivers nothing more', async () => {
    const clock = createManualClock(0);
    const { machine } = funnelWithLlm(clock, 10, 'reject');
    const checkpoints = new MemoryCheckpointStore();
    const conversation = createConversation({ machine, checkpoints, clock });
    await toOffer(conversation, 'chat:1');
    const turn = conversation.turn('chat:1', [{ type: 'TIMELINE', weeks: 1 }]);
    await clock.advanceAsync(10);
    const result = await turn;
    expect(result).toMatchObject({ state: 'STATE_ESCALATED', status: 'done', isHandedOff: true, version: 4 });
    expect(result.escalation).toEqual({ reason: 'handoff-state-reached' });
    expect(result.replies.map((reply) => reply.text)).toEqual(['A manager will answer you shortly.']);

    const after = await conversation.turn('chat:1', [{ type: 'TEXT', text: 'hello?' }]);
    expect(after).toMatchObject({
      state: 'STATE_ESCALATED',
      isHandedOff: true,
      version: 4,
      escalation: undefined,
    });
    expect(after.replies).toEqual([]);
    expect((await checkpoints.load('chat:1'))?.version).toBe(4);
  });

  it('gives a handed-off thread back to the bot with reset(): the initial state as the next version', async () => {
    const checkpoints = new MemoryCheckpointStore();
    const conversation = createConversation({
      machine: funnelMachine,
      checkpoints,
      clock: createManualClock(0),
    });
    await conversation.turn('chat:1', [{ type: 'TEXT', text: 'hi' }]);
    await conversation.escalate('chat:1', 'user-asked');
    expect(await conversation.reset('chat:1')).toBe(3);
    const result = await conversation.turn('chat:1', [{ type: 'TEXT', text: 'back again' }]);
    expect(result).toMatchObject({ state: 'STATE_1_GREETING', isHandedOff: false, version: 4 });
    expect(result.context.messages).toBe(1);
    const history = await checkpoints.history('chat:1', 10);
    expect(history.map((checkpoint) => (checkpoint.snapshot as { value: unknown }).value)).toEqual([
      'STATE_1_GREETING',
      'STATE_0_INIT',
      'STATE_ESCALATED',
      'STATE_1_GREETING',
    ]);
  });

  it('escalates a conversation that ended in another final state, which xstate itself cannot leave', async () => {
    const machine = withEscalation(
      setup({ types: { context: {} as { order: string } } }).createMachine({
        id: 'shop',
        initial: 'open',
        context: { order: 'A-1' },
        states: { open: { on: { CLOSE: 'closed' } }, closed: { type: 'final' }, handoff: {} },
      }),
      { handoffState: 'handoff' },
    );
    const checkpoints = new MemoryCheckpointStore();
    const conversation = createConversation({ machine, checkpoints, clock: createManualClock(0) });
    expect(await conversation.turn('chat:1', [{ type: 'CLOSE' }])).toMatchObject({
      state: 'closed',
      status: 'done',
      version: 1,
    });
    expect(await conversation.turn('chat:1', [{ type: 'CLOSE' }])).toMatchObject({
      state: 'closed',
      version: 1,
    });
    const result = await conversation.escalate('chat:1', 'complaint');
    expect(result).toMatchObject({
      state: 'handoff',
      status: 'done',
      isHandedOff: true,
      version: 2,
      escalation: { reason: 'complaint' },
      context: { order: 'A-1' },
    });
    const after = await conversation.turn('chat:1', [{ type: 'ESCALATE', reason: 'again' }]);
    expect(after).toMatchObject({ state: 'handoff', isHandedOff: true, version: 2, escalation: undefined });
  });

  it('escalates with a reason through escalate() and counts the default reason as unspecified', async () => {
    const checkpoints = new MemoryCheckpointStore();
    const conversation = createConversation({
      machine: funnelMachine,
      checkpoints,
      clock: createManualClock(0),
    });
    const result = await conversation.escalate('chat:1', 'user-asked');
    expect(result.escalation).toEqual({ reason: 'user-asked' });
    const other = await conversation.turn('chat:2', [{ type: 'TEXT', text: 'hi' }, { type: 'ESCALATE' }]);
    expect(other.escalation).toEqual({ reason: 'unspecified' });
    expect(other.emitted.map((event) => event.type)).toEqual(['reply', 'escalation', 'reply']);
  });

  it('rejects with MACHINE_ERROR when an action throws, saving nothing and crashing nothing', async () => {
    const machine = withEscalation(
      setup({}).createMachine({
        id: 'fragile',
        initial: 'idle',
        states: {
          idle: {
            on: {
              BREAK: {
                target: 'broken',
                actions: () => {
                  throw new Error('action bug');
                },
              },
            },
          },
          broken: {},
          handoff: {},
        },
      }),
      { handoffState: 'handoff' },
    );
    const checkpoints = new MemoryCheckpointStore();
    const conversation = createConversation({ machine, checkpoints, clock: createManualClock(0) });
    await conversation.turn('chat:1', []);
    const error = await outcome(conversation.turn('chat:1', [{ type: 'BREAK' }]));
    expect(BotkeelError.hasCode(error, 'MACHINE_ERROR')).toBe(true);
    expect(((error as Error).cause as Error).message).toBe('action bug');
    expect((await checkpoints.load('chat:1'))?.version).toBe(1);
  });

  it('fires delayed (after) transitions on the injected clock while a turn runs', async () => {
    const clock = createManualClock(0);
    const machine = withEscalation(
      setup({
        types: { emitted: {} as ConversationReply },
        actors: {
          // Honours its signal, as an LLM call should: leaving the state cancels it.
          slow: fromPromise(
            ({ signal }) =>
              new Promise<string>((resolve) => {
                const handle = clock.setTimeout(() => resolve('late'), 5_000);
                signal.addEventListener('abort', () => clock.clearTimeout(handle));
              }),
          ),
        },
      }).createMachine({
        id: 'patient',
        initial: 'waiting',
        context: { note: '' },
        states: {
          waiting: {
            invoke: { src: 'slow', onDone: { target: 'answered', actions: assign({ note: 'answered' }) } },
            after: {
              1_000: { target: 'gaveUp', actions: emit({ type: 'reply', text: 'Still thinking, hold on.' }) },
            },
          },
          answered: {},
          gaveUp: {},
          handoff: {},
        },
      }),
      { handoffState: 'handoff' },
    );
    const conversation = createConversation({ machine, checkpoints: new MemoryCheckpointStore(), clock });
    const turn = conversation.turn('chat:1', []);
    await clock.advanceAsync(1_000);
    const result = await turn;
    expect(result.state).toBe('gaveUp');
    expect(result.replies.map((reply) => reply.text)).toEqual(['Still thinking, hold on.']);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('passes historyLimit to the store and input to a new thread', async () => {
    const checkpoints = new MemoryCheckpointStore({ historyLimit: 50 });
    const machine = withEscalation(
      setup({
        types: { input: {} as { greeting: string }, context: {} as { greeting: string } },
      }).createMachine({
        id: 'greeter',
        context: ({ input }) => ({ greeting: input.greeting }),
        initial: 'idle',
        states: { idle: { on: { PING: 'idle' } }, handoff: {} },
      }),
      { handoffState: 'handoff' },
    );
    const conversation = createConversation({
      machine,
      checkpoints,
      clock: createManualClock(0),
      historyLimit: 2,
      input: (threadId) => ({ greeting: `hello ${threadId}` }),
    });
    for (let turn = 0; turn < 4; turn += 1) await conversation.turn('chat:7', [{ type: 'PING' }]);
    const history = await checkpoints.history('chat:7', 10);
    expect(history.map((checkpoint) => checkpoint.version)).toEqual([4, 3]);
    expect((history[0]?.snapshot as { context: { greeting: string } }).context.greeting).toBe('hello chat:7');
  });

  it('refuses a machine without an unconditional ESCALATE from every state', () => {
    expect(() =>
      createConversation({ machine: funnelBase, checkpoints: new MemoryCheckpointStore() }),
    ).toThrow(/ESCALATE/);
  });

  it('validates options and names the bad field', () => {
    const checkpoints = new MemoryCheckpointStore();
    expect(() => createConversation({ machine: funnelMachine, checkpoints, machineVersion: 0 })).toThrow(
      /machineVersion/,
    );
    expect(() =>
      createConversation({
        machine: funnelMachine,
        checkpoints,
        machineVersion: 2,
        migrations: { 3: (snapshot) => snapshot },
      }),
    ).toThrow(/migrations\.3/);
    expect(() => createConversation({ machine: funnelMachine, checkpoints, settleTimeoutMs: -1 })).toThrow(
      /settleTimeoutMs/,
    );
    expect(() => createConversation({ machine: funnelMachine, checkpoints: {} as never })).toThrow(
      /checkpoints/,
    );
  });
});
