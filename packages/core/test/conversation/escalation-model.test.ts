import { MemoryCheckpointStore, createConversation, createManualClock } from '@botkeel/core';
import { createActor, fromPromise, getNextSnapshot } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { describe, expect, it } from 'vitest';
import { type FunnelEvent, funnelBase, funnelMachine, funnelSampleEvents } from './sales-funnel.js';

/** The LLM actor's completion, as graph traversal has to feed it (a real actor produces it by itself). */
const llmDone = { type: 'xstate.done.actor.llm', output: 'Our plan for 500 EUR' } as unknown as FunnelEvent;
const isSynthetic = (event: FunnelEvent): boolean => event.type.startsWith('xstate.');

const reachablePaths = (machine: typeof funnelBase) =>
  getShortestPaths(machine, {
    events: [...funnelSampleEvents, llmDone],
    // The state value plus the one context fact a guard reads; keeps the graph finite.
    serializeState: (snapshot) => JSON.stringify([snapshot.value, Math.min(snapshot.context.objections, 2)]),
  });

const topLevel = (value: unknown): string =>
  typeof value === 'string' ? value : (Object.keys(value as object)[0] ?? '');

describe('ESCALATE from every reachable state of the sample sales funnel (xstate/graph)', () => {
  const paths = reachablePaths(funnelMachine).filter((path) => path.state.status === 'active');

  it('reaches every funnel state, nested and parallel ones included', () => {
    const values = new Set(paths.map((path) => JSON.stringify(path.state.value)));
    const tops = new Set(paths.map((path) => topLevel(path.state.value)));
    expect([...tops].sort()).toEqual([
      'STATE_0_INIT',
      'STATE_1_GREETING',
      'STATE_2_QUALIFY',
      'STATE_3_OFFER',
      'STATE_4_OBJECTIONS',
      'STATE_5_CHECKOUT',
      'STATE_6_CONFIRM',
      'STATE_7_END',
    ]);
    expect(values).toContain(JSON.stringify({ STATE_2_QUALIFY: 'askingTimeline' }));
    expect(values).toContain(JSON.stringify({ STATE_5_CHECKOUT: { payment: 'paid', delivery: 'choosing' } }));
    expect(values).toContain(
      JSON.stringify({ STATE_5_CHECKOUT: { payment: 'pending', delivery: 'chosen' } }),
    );
    expect(paths.length).toBeGreaterThanOrEqual(14);
  });

  it('the unwrapped machine really lets guards block ESCALATE (so the checks below can fail)', () => {
    const blocked = reachablePaths(funnelBase)
      .filter((path) => path.state.status === 'active')
      .map((path) => getNextSnapshot(funnelBase, path.state as never, { type: 'ESCALATE', reason: 'test' }))
      .filter((next) => next.value !== 'STATE_ESCALATED');
    expect(blocked.length).toBeGreaterThan(5);
  });

  it('lands in the handoff state from every reachable state, by the pure transition function', () => {
    for (const path of paths) {
      const next = getNextSnapshot(funnelMachine, path.state, { type: 'ESCALATE', reason: 'user-asked' });
      expect({ from: path.state.value, to: next.value, status: next.status }).toEqual({
        from: path.state.value,
        to: 'STATE_ESCALATED',
        status: 'done',
      });
    }
  });

  it('lands in the handoff state from every reachable state of a running actor, emitting the reason once', async () => {
    for (const path of paths) {
      // The LLM answers only when the path says so, so "waiting for the LLM" is a real state here too.
      const answers: Array<(text: string) => void> = [];
      const machine = funnelMachine.provide({
        actors: { offerFromLlm: fromPromise(() => new Promise<string>((resolve) => answers.push(resolve))) },
      });
      const actor = createActor(machine, { clock: createManualClock(0) });
      const escalations: unknown[] = [];
      actor.on('escalation', (event) => escalations.push(event));
      actor.start();
      for (const step of path.steps) {
        if (isSynthetic(step.event)) answers.shift()?.('Our plan for 500 EUR');
        else actor.send(step.event);
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(actor.getSnapshot().value).toEqual(path.state.value);
      actor.send({ type: 'ESCALATE', reason: 'user-asked' });
      expect(actor.getSnapshot().value).toBe('STATE_ESCALATED');
      expect(actor.getSnapshot().status).toBe('done');
      expect(escalations).toEqual([{ type: 'escalation', reason: 'user-asked' }]);
      actor.stop();
    }
  });

  it('lands in the handoff state from every reachable state through createConversation, one persisted turn per step', async () => {
    const checkpoints = new MemoryCheckpointStore();
    const conversation = createConversation({
      machine: funnelMachine,
      checkpoints,
      clock: createManualClock(0),
    });
    // A turn saves only settled states, so "waiting for the LLM" is never a persisted state; the
    // running-actor check above covers ESCALATE during the LLM call.
    const settledPaths = paths.filter(
      (path) => JSON.stringify(path.state.value) !== JSON.stringify({ STATE_3_OFFER: 'generating' }),
    );
    expect(settledPaths.length).toBeLessThan(paths.length);
    for (const [index, path] of settledPaths.entries()) {
      const threadId = `path:${index}`;
      await conversation.turn(threadId, []);
      for (const step of path.steps) {
        if (!isSynthetic(step.event)) await conversation.turn(threadId, [step.event]);
      }
      const before = await checkpoints.load(threadId);
      expect((before?.snapshot as { value: unknown }).value).toEqual(path.state.value);
      const result = await conversation.escalate(threadId, 'manager-command');
      expect(result.state).toBe('STATE_ESCALATED');
      expect(result.isHandedOff).toBe(true);
      expect(result.escalation).toEqual({ reason: 'manager-command' });
      expect(result.replies.map((reply) => reply.text)).toEqual(['A manager will answer you shortly.']);
      expect(result.version).toBe((before?.version ?? 0) + 1);
    }
  });
});
