import { type TimerHandle } from '../clock/clock.js';
import { BotkeelError } from '../errors/botkeel-error.js';
import { AbortedError } from '../errors/subclasses.js';
import { CircuitOpenError } from '../resilience/circuit-open-error.js';
import { llmInstruments } from './llm-telemetry.js';
import { type LaneSuccess, isRetryableForRouter, runLane } from './provider-lane.js';
import { type ProviderSlot } from './provider-slot.js';
import { type RoutedCall } from './routed-call.js';

interface RunningLane {
  slot: ProviderSlot;
  controller: AbortController;
}

/** What the race ends with: an answer, or nothing (every provider failed, was skipped, or the deadline passed). */
export type RaceOutcome = { success: LaneSuccess } | { success: undefined; lastError: unknown };

/**
 * Tries the providers of a routed call: in order; the next one when the running one failed, or —
 * with `hedgeAfterMs` — when it has not answered in time (the first answer wins, the others are
 * aborted). A provider whose breaker refuses is skipped at no cost; one in 429 cooldown is
 * deferred and tried last, once its cooldown has passed, when that is before the deadline. At the
 * deadline every running provider call is aborted. A caller abort rejects with `ABORTED`.
 */
export function raceProviders(
  call: RoutedCall,
  slots: readonly ProviderSlot[],
  callerSignal: AbortSignal | undefined,
): Promise<RaceOutcome> {
  const { clock, settings } = call;
  return new Promise<RaceOutcome>((resolve, reject) => {
    const running = new Set<RunningLane>();
    const deferred: ProviderSlot[] = [];
    /** A provider waits for its cooldown at most once per call. */
    const wasDeferred = new Set<ProviderSlot>();
    let nextIndex = 0;
    let isFinished = false;
    let isStopped = false;
    let lastError: unknown;
    let hedgeTimer: TimerHandle | undefined;
    let waitTimer: TimerHandle | undefined;

    const finish = (outcome: RaceOutcome | Error): void => {
      if (isFinished) return;
      isFinished = true;
      clock.clearTimeout(hedgeTimer);
      clock.clearTimeout(waitTimer);
      clock.clearTimeout(deadlineTimer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
      for (const lane of running) lane.controller.abort(new AbortedError('Another provider answered first'));
      running.clear();
      if (outcome instanceof Error) reject(outcome);
      else resolve(outcome);
    };

    const onCallerAbort = (): void => finish(new AbortedError(undefined, { cause: callerSignal?.reason }));

    const deadlineTimer = clock.setTimeout(
      () => {
        for (const lane of running) {
          call.attempts.push({
            provider: lane.slot.name,
            attempt: 0,
            outcome: 'timeout',
            errorCode: 'TIMEOUT',
            message: `deadline of ${settings.deadlineMs} ms reached`,
            latencyMs: 0,
          });
        }
        finish({ success: undefined, lastError });
      },
      call.deadlineAtMs - clock.now(),
      { unref: true },
    );

    const launch = (slot: ProviderSlot, isHedge: boolean): void => {
      const lane: RunningLane = { slot, controller: new AbortController() };
      running.add(lane);
      if (isHedge) llmInstruments().hedges.add(1, { provider: slot.name });
      runLane(call, slot, lane.controller.signal, isHedge).then(
        (success) => {
          running.delete(lane);
          finish({ success });
        },
        (error: unknown) => {
          running.delete(lane);
          if (isFinished) return;
          lastError = error;
          if (slot.cooldownUntilMs > clock.now() && !wasDeferred.has(slot)) deferred.push(slot);
          const isNonRetryable =
            !(error instanceof CircuitOpenError) &&
            !BotkeelError.hasCode(error, 'TIMEOUT') &&
            !isRetryableForRouter(error, Number.POSITIVE_INFINITY);
          if (isNonRetryable && settings.onNonRetryable === 'fail-fast') isStopped = true;
          advance();
        },
      );
      armHedge();
    };

    /** Starts the next eligible provider; false when none is left. */
    const startNext = (isHedge: boolean): boolean => {
      while (nextIndex < slots.length) {
        const slot = slots[nextIndex] as ProviderSlot;
        nextIndex += 1;
        if (slot.cooldownUntilMs > clock.now()) {
          call.attempts.push({ provider: slot.name, attempt: 0, outcome: 'skipped-cooldown', latencyMs: 0 });
          deferred.push(slot);
          wasDeferred.add(slot);
          continue;
        }
        if (slot.breaker !== undefined && !slot.breaker.isCallPermitted()) {
          call.attempts.push({
            provider: slot.name,
            attempt: 0,
            outcome: 'skipped-circuit-open',
            latencyMs: 0,
          });
          continue;
        }
        launch(slot, isHedge);
        return true;
      }
      return false;
    };

    /** Waits for the earliest cooldown that ends before the deadline, then tries that provider. */
    const startDeferred = (): boolean => {
      deferred.sort((left, right) => left.cooldownUntilMs - right.cooldownUntilMs);
      const slot = deferred[0];
      if (slot === undefined || slot.cooldownUntilMs >= call.deadlineAtMs) return false;
      deferred.shift();
      wasDeferred.add(slot);
      waitTimer = clock.setTimeout(
        () => {
          waitTimer = undefined;
          if (isFinished) return;
          if (slot.breaker !== undefined && !slot.breaker.isCallPermitted()) {
            call.attempts.push({
              provider: slot.name,
              attempt: 0,
              outcome: 'skipped-circuit-open',
              latencyMs: 0,
            });
            advance();
            return;
          }
          launch(slot, false);
        },
        slot.cooldownUntilMs - clock.now(),
        { unref: true },
      );
      return true;
    };

    const advance = (): void => {
      if (isFinished) return;
      if (!isStopped && startNext(false)) return;
      if (running.size > 0 || waitTimer !== undefined) return;
      if (!isStopped && startDeferred()) return;
      finish({ success: undefined, lastError });
    };

    const armHedge = (): void => {
      const hedgeAfterMs = settings.hedgeAfterMs;
      if (hedgeAfterMs === undefined || nextIndex >= slots.length) return;
      clock.clearTimeout(hedgeTimer);
      hedgeTimer = clock.setTimeout(
        () => {
          hedgeTimer = undefined;
          if (!isFinished && !isStopped && running.size > 0) startNext(true);
        },
        hedgeAfterMs,
        { unref: true },
      );
    };

    if (callerSignal?.aborted === true) {
      finish(new AbortedError(undefined, { cause: callerSignal.reason }));
      return;
    }
    callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    advance();
  });
}
