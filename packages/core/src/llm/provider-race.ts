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
  /** Present when hedging, so the losing lane can be aborted. */
  controller: AbortController | undefined;
}

/** What the race ends with: an answer, or nothing (every provider failed or was skipped). */
export type RaceOutcome = { success: LaneSuccess } | { success: undefined; lastError: unknown };

/**
 * One race over the providers of a routed call. A class rather than closures, so a call allocates
 * one object and no per-call functions on the fast path.
 */
class ProviderRace {
  readonly #call: RoutedCall;
  readonly #slots: readonly ProviderSlot[];
  readonly #callerSignal: AbortSignal | undefined;
  readonly #isHedging: boolean;
  readonly #running = new Set<RunningLane>();
  /** Providers in 429 cooldown, tried last. */
  readonly #deferred: ProviderSlot[] = [];
  /** A provider waits for its cooldown at most once per call. */
  readonly #wasDeferred = new Set<ProviderSlot>();
  #nextIndex = 0;
  #isFinished = false;
  #isStopped = false;
  #lastError: unknown;
  #hedgeTimer: TimerHandle | undefined;
  #waitTimer: TimerHandle | undefined;
  #onCallerAbort: (() => void) | undefined;
  #resolve: (outcome: RaceOutcome) => void = () => undefined;
  #reject: (error: Error) => void = () => undefined;

  constructor(call: RoutedCall, slots: readonly ProviderSlot[], callerSignal: AbortSignal | undefined) {
    this.#call = call;
    this.#slots = slots;
    this.#callerSignal = callerSignal;
    this.#isHedging = call.settings.hedgeAfterMs !== undefined;
  }

  run(): Promise<RaceOutcome> {
    const promise = new Promise<RaceOutcome>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    const signal = this.#callerSignal;
    if (signal?.aborted === true) {
      this.#finish(new AbortedError(undefined, { cause: signal.reason }));
      return promise;
    }
    if (signal !== undefined) {
      this.#onCallerAbort = () => this.#finish(new AbortedError(undefined, { cause: signal.reason }));
      signal.addEventListener('abort', this.#onCallerAbort, { once: true });
    }
    this.#advance();
    return promise;
  }

  #finish(outcome: RaceOutcome | Error): void {
    if (this.#isFinished) return;
    this.#isFinished = true;
    const clock = this.#call.clock;
    clock.clearTimeout(this.#hedgeTimer);
    clock.clearTimeout(this.#waitTimer);
    if (this.#onCallerAbort !== undefined)
      this.#callerSignal?.removeEventListener('abort', this.#onCallerAbort);
    for (const lane of this.#running)
      lane.controller?.abort(new AbortedError('Another provider answered first'));
    this.#running.clear();
    if (outcome instanceof Error) this.#reject(outcome);
    else this.#resolve(outcome);
  }

  #launch(slot: ProviderSlot, isHedge: boolean): void {
    // Only hedged calls run lanes side by side that may need aborting; otherwise the caller's
    // signal reaches the lane directly and each attempt is already bounded by the deadline.
    const controller = this.#isHedging ? new AbortController() : undefined;
    const lane: RunningLane = { slot, controller };
    this.#running.add(lane);
    if (isHedge) llmInstruments().hedges.add(1, { provider: slot.name });
    runLane(this.#call, slot, controller?.signal ?? this.#callerSignal, isHedge).then(
      (success) => {
        this.#running.delete(lane);
        this.#finish({ success });
      },
      (error: unknown) => this.#onLaneFailure(lane, error),
    );
    this.#armHedge();
  }

  #onLaneFailure(lane: RunningLane, error: unknown): void {
    this.#running.delete(lane);
    if (this.#isFinished) return;
    this.#lastError = error;
    const slot = lane.slot;
    if (slot.cooldownUntilMs > this.#call.clock.now() && !this.#wasDeferred.has(slot))
      this.#deferred.push(slot);
    const isNonRetryable =
      !(error instanceof CircuitOpenError) &&
      !BotkeelError.hasCode(error, 'TIMEOUT') &&
      !isRetryableForRouter(error, Number.POSITIVE_INFINITY);
    if (isNonRetryable && this.#call.settings.onNonRetryable === 'fail-fast') this.#isStopped = true;
    this.#advance();
  }

  /** Starts the next eligible provider; false when none is left. */
  #startNext(isHedge: boolean): boolean {
    const call = this.#call;
    while (this.#nextIndex < this.#slots.length) {
      const slot = this.#slots[this.#nextIndex] as ProviderSlot;
      this.#nextIndex += 1;
      if (slot.cooldownUntilMs > call.clock.now()) {
        call.recordSkip(slot.name, 'skipped-cooldown');
        this.#deferred.push(slot);
        this.#wasDeferred.add(slot);
        continue;
      }
      if (slot.breaker !== undefined && !slot.breaker.isCallPermitted()) {
        call.recordSkip(slot.name, 'skipped-circuit-open');
        continue;
      }
      this.#launch(slot, isHedge);
      return true;
    }
    return false;
  }

  /** Waits for the earliest cooldown that ends before the deadline, then tries that provider. */
  #startDeferred(): boolean {
    const call = this.#call;
    this.#deferred.sort((left, right) => left.cooldownUntilMs - right.cooldownUntilMs);
    const slot = this.#deferred[0];
    if (slot === undefined || slot.cooldownUntilMs >= call.deadlineAtMs) return false;
    this.#deferred.shift();
    this.#wasDeferred.add(slot);
    this.#waitTimer = call.clock.setTimeout(
      () => {
        this.#waitTimer = undefined;
        if (this.#isFinished) return;
        if (slot.breaker !== undefined && !slot.breaker.isCallPermitted()) {
          call.recordSkip(slot.name, 'skipped-circuit-open');
          this.#advance();
          return;
        }
        this.#launch(slot, false);
      },
      slot.cooldownUntilMs - call.clock.now(),
      { unref: true },
    );
    return true;
  }

  #advance(): void {
    if (this.#isFinished) return;
    if (!this.#isStopped && this.#startNext(false)) return;
    if (this.#running.size > 0 || this.#waitTimer !== undefined) return;
    if (!this.#isStopped && this.#startDeferred()) return;
    this.#finish({ success: undefined, lastError: this.#lastError });
  }

  #armHedge(): void {
    const hedgeAfterMs = this.#call.settings.hedgeAfterMs;
    if (hedgeAfterMs === undefined || this.#nextIndex >= this.#slots.length) return;
    const clock = this.#call.clock;
    clock.clearTimeout(this.#hedgeTimer);
    this.#hedgeTimer = clock.setTimeout(
      () => {
        this.#hedgeTimer = undefined;
        if (!this.#isFinished && !this.#isStopped && this.#running.size > 0) this.#startNext(true);
      },
      hedgeAfterMs,
      { unref: true },
    );
  }
}

/**
 * Tries the providers of a routed call: in order; the next one when the running one failed, or —
 * with `hedgeAfterMs` — when it has not answered in time (the first answer wins, the others are
 * aborted). A provider whose breaker refuses is skipped at no cost; one in 429 cooldown is
 * deferred and tried last, once its cooldown has passed, when that is before the deadline. Each
 * lane keeps to the deadline itself (attempt timeouts are clipped to it and retries never wait past
 * it), so the race needs no timer of its own. A caller abort rejects with `ABORTED` at once.
 */
export function raceProviders(
  call: RoutedCall,
  slots: readonly ProviderSlot[],
  callerSignal: AbortSignal | undefined,
): Promise<RaceOutcome> {
  return new ProviderRace(call, slots, callerSignal).run();
}
