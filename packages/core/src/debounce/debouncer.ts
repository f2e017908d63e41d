import { type Clock, type TimerHandle } from '../clock/clock.js';
import { RenewalSchedule } from '../clock/renewal-schedule.js';
import { systemClock } from '../clock/system-clock.js';
import { BotkeelError } from '../errors/botkeel-error.js';
import { parseOptions } from '../errors/parse-options.js';
import { AbortedError } from '../errors/subclasses.js';
import { createSafeLogger } from '../logger/safe-logger.js';
import { botkeelMeter, noAttributes, withSpan } from '../telemetry/instruments.js';
import { MetricNames, SpanNames } from '../telemetry/names.js';
import { type DebounceBatch, type DebounceWindow } from './debounce-store.js';
import {
  type DebounceCodec,
  type DebouncerOptions,
  debouncerOptionsSchema,
  jsonCodec,
} from './debouncer-options.js';
import { type DeliveryContext, deliverBatch } from './deliver-batch.js';
import { type Debouncer, type DebouncerStopOptions, type PushResult } from './debouncer-types.js';
import { type LeaseKeeper, type LeaseKeeperContext, keepLease } from './lease-keeper.js';

/** Resolves when `signal` aborts; never when there is none. */
function untilAbort(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** Resolves once every microtask queued so far (and those they queue) has run. */
function afterPendingMicrotasks(): Promise<void> {
  return new Promise((resolve) => process.nextTick(resolve));
}

interface Running {
  readonly batchId: string;
  readonly done: Promise<void>;
  readonly lease: LeaseKeeper;
}

/**
 * Creates a debouncer: items pushed for one key (a chat) within `quietMs` of each other form a burst,
 * flushed as ONE `onFlush(key, items, { batchId })` call — when the key has been quiet for
 * `quietMs`, `maxWaitMs` after the burst's first item, or once it holds `maxItems` items.
 *
 * Guarantees, with any number of instances sharing one store: every item is delivered in push
 * order, in exactly one batch; a batch is acked only after `onFlush` resolves, and delivered again
 * with the same `batchId` after a failure (exponential retry delay) or a crash (lease expiry), up to
 * `maxDeliveries` times, then dead-lettered; one key's batches never overlap while leases are kept —
 * items arriving during a flush go into the next batch.
 *
 * @example
 * ```ts
 * const debouncer = createDebouncer<BotMessage>({
 *   store: new MemoryDebounceStore(),
 *   quietMs: 800,
 *   maxWaitMs: 3_000,
 *   maxItems: 20,
 *   onFlush: async (chatId, messages, { batchId, signal }) => {
 *     await runTurn(chatId, messages, { idempotencyKey: batchId, signal });
 *   },
 * });
 * debouncer.start();
 * await debouncer.push(message.chatId, message); // durable: safe to answer 200 now
 * process.once('SIGTERM', () => void debouncer.stop({ drain: false }));
 * ```
 */
export function createDebouncer<Item>(options: DebouncerOptions<Item>): Debouncer<Item> {
  const settings = parseOptions('createDebouncer', debouncerOptionsSchema, options);
  const { store, leaseMs, pollMs, concurrency } = settings;
  const clock: Clock = options.clock ?? systemClock;
  const log = createSafeLogger(options.logger);
  const codec: DebounceCodec<Item> = options.codec ?? jsonCodec<Item>();
  const window: DebounceWindow = {
    quietMs: settings.quietMs,
    maxWaitMs: settings.maxWaitMs,
    maxItems: settings.maxItems,
  };
  const meter = botkeelMeter();
  const delivery: DeliveryContext<Item> = {
    store,
    clock,
    log,
    codec,
    onFlush: options.onFlush,
    onDeadLetter: options.onDeadLetter,
    maxDeliveries: settings.maxDeliveries,
    retryDelayMs: settings.retryDelayMs,
    maxRetryDelayMs: settings.maxRetryDelayMs,
    flushes: meter.createCounter(MetricNames.debounceFlushes, {
      description: 'Debounced batches flushed, by outcome',
    }),
    flushLag: meter.createHistogram(MetricNames.debounceFlushLag, {
      description: 'How late a flush started after its batch fell due',
      unit: 'ms',
    }),
  };

  const leases: LeaseKeeperContext = {
    store,
    clock,
    log,
    leaseMs,
    renewals: new RenewalSchedule({ clock, renewEveryMs: Math.max(1, Math.floor(leaseMs / 3)) }),
  };

  let phase: 'idle' | 'running' | 'draining' | 'stopped' = 'idle';
  let isAccepting = true;
  let stopping: Promise<void> | undefined;
  let wakeTimer: TimerHandle | undefined;
  let wakeAtMs: number | undefined;
  /** The running claim loop, if any: `stop()` waits for it, so no batch is claimed unseen. */
  let pumping: Promise<void> | undefined;
  let isPumpRequested = false;
  /** Set when `stop()` gave up waiting: batches claimed after that are left to their lease. */
  let isAbandoned = false;
  const running = new Map<string, Running>();
  /** Deliveries not finished yet (handler or ack still running); `stop()` waits for them. */
  const inFlight = new Set<Promise<void>>();
  /** Deliveries whose handler is still running: at most `concurrency`. */
  let busySlots = 0;
  const pushes = new Set<Promise<unknown>>();

  const disarm = (): void => {
    clock.clearTimeout(wakeTimer);
    wakeTimer = undefined;
    wakeAtMs = undefined;
  };

  /** Wakes the claim loop at `atMs` unless it is already set to wake earlier. */
  const arm = (atMs: number): void => {
    if (phase !== 'running' || (wakeAtMs !== undefined && wakeAtMs <= atMs)) return;
    clock.clearTimeout(wakeTimer);
    wakeAtMs = atMs;
    wakeTimer = clock.setTimeout(
      () => {
        wakeTimer = undefined;
        wakeAtMs = undefined;
        void pump();
      },
      // Not unref'd: a started debouncer keeps the process alive until stop(), like a server.
      atMs - clock.now(),
    );
  };

  const accept = (batch: DebounceBatch, claimedAtMs: number): void => {
    // A claim that lands after stop() gave up: do not start it; its lease runs out and another
    // instance delivers it, exactly as after a crash.
    if (isAbandoned) return;
    const previous = running.get(batch.key);
    // Our own batch came back (its lease ran out while we still handle it): keep handling it once.
    if (previous?.batchId === batch.batchId) return;
    const lease = keepLease(batch, claimedAtMs, leases);
    // The batch holds a concurrency slot until its handler is done; its ack runs without one, so
    // the next claim does not wait a round trip per batch.
    busySlots += 1;
    let isSlotHeld = true;
    const releaseSlot = (): void => {
      if (!isSlotHeld) return;
      isSlotHeld = false;
      busySlots -= 1;
      void pump();
    };
    // deliverBatch never rejects and stops the lease itself; after the key's previous batch if any.
    const done =
      previous === undefined
        ? deliverBatch(batch, lease, delivery, releaseSlot)
        : previous.done.then(() => deliverBatch(batch, lease, delivery, releaseSlot));
    const entry: Running = { batchId: batch.batchId, done, lease };
    running.set(batch.key, entry);
    inFlight.add(done);
    const cleanUp = (): void => {
      inFlight.delete(done);
      if (running.get(batch.key) === entry) running.delete(batch.key);
      if (isSlotHeld) releaseSlot();
      else void pump();
    };
    void done.then(cleanUp, cleanUp);
  };

  /**
   * Claims as many due batches as there are free slots and starts them; resolves whether the claim
   * filled every slot it asked for (then more may be due right now).
   */
  const claim = async (dueBeforeMs?: number): Promise<{ claimed: number; isFull: boolean }> => {
    const limit = concurrency - busySlots;
    if (limit <= 0) return { claimed: 0, isFull: true };
    const nowMs = clock.now();
    const batches = await store.claimDue(
      dueBeforeMs === undefined ? { nowMs, leaseMs, limit } : { nowMs, leaseMs, limit, dueBeforeMs },
    );
    for (const batch of batches) accept(batch, nowMs);
    return { claimed: batches.length, isFull: batches.length >= limit };
  };

  /** Claims what is due, then sleeps until the store's next due time (at most `pollMs`). Never rejects. */
  const pumpOnce = async (): Promise<void> => {
    try {
      do {
        isPumpRequested = false;
        const { claimed, isFull } = await claim();
        // Let the handlers just started run their synchronous part and free their slots first, so
        // the next claim asks for many batches instead of the one or two freed so far.
        if (claimed > 0) await afterPendingMicrotasks();
        // With every slot busy, the next freed slot pumps again; no timer needed. A claim that
        // filled its slots may have left more due batches: claim again before asking the store
        // for its next due time.
        if (phase !== 'running' || busySlots >= concurrency) continue;
        if (isFull) {
          isPumpRequested = true;
          continue;
        }
        const nextDueAtMs = (await store.nextDueAt()) ?? Number.POSITIVE_INFINITY;
        const nowMs = clock.now();
        arm(Math.min(Math.max(nextDueAtMs, nowMs + 1), nowMs + pollMs));
      } while (isPumpRequested && phase === 'running');
    } catch (error) {
      log.warn({ err: error }, 'debounce claim failed; trying again');
      arm(clock.now() + pollMs);
    } finally {
      // In the same synchronous step as the loop's last check of isPumpRequested: a pump() asked for
      // after that check starts a new run instead of setting a flag no run reads any more.
      pumping = undefined;
    }
  };

  /**
   * Claims what is due, then sleeps until the store's next due time (at most `pollMs`). One run at
   * a time: a call during a run asks it to go round once more. Never rejects.
   */
  const pump = (): Promise<void> => {
    if (phase !== 'running') return Promise.resolve();
    if (pumping !== undefined) {
      isPumpRequested = true;
      return pumping;
    }
    // pumpOnce always awaits before it ends, so `pumping` is set before its finally clears it.
    const run = pumpOnce();
    pumping = run;
    return run;
  };

  /** Waits for running flushes; on abort, aborts their signals and stops renewing their leases. */
  const waitForFlushes = async (signal: AbortSignal | undefined): Promise<void> => {
    const aborted = untilAbort(signal);
    while (inFlight.size > 0 && signal?.aborted !== true) await Promise.race([...inFlight, aborted]);
    if (signal?.aborted === true) {
      const reason: unknown =
        signal.reason ?? new AbortedError('The debouncer stopped before the flush finished');
      for (const entry of running.values()) entry.lease.abort(reason);
    }
  };

  /** Flushes every claimable burst now, until nothing is left that this instance could claim. */
  const drain = async (signal: AbortSignal | undefined): Promise<void> => {
    const aborted = untilAbort(signal);
    await Promise.allSettled([...pushes]);
    while (signal?.aborted !== true) {
      const { claimed } = await claim(Number.MAX_SAFE_INTEGER);
      if (claimed === 0 && inFlight.size === 0) return;
      await Promise.race([...inFlight, aborted]);
    }
  };

  const stopWith = async (options: DebouncerStopOptions): Promise<void> => {
    phase = options.drain === true ? 'draining' : 'stopped';
    disarm();
    const { signal } = options;
    signal?.addEventListener(
      'abort',
      () => {
        isAbandoned = true;
      },
      { once: true },
    );
    if (signal?.aborted === true) isAbandoned = true;
    // A claim loop in progress finishes first, so what it claims is drained or waited for below.
    if (pumping !== undefined) await Promise.race([pumping, untilAbort(signal)]);
    let failure: unknown;
    if (options.drain === true) {
      try {
        await drain(options.signal);
      } catch (error) {
        failure = error;
        log.error({ err: error }, 'debouncer could not drain; pending items stay in the store');
      }
    }
    phase = 'stopped';
    await waitForFlushes(options.signal);
    if (failure === undefined) return;
    throw failure instanceof Error
      ? failure
      : new BotkeelError('INTERNAL', 'The debouncer could not drain', { cause: failure });
  };

  return {
    // Not async: every message comes through here, and `.then` is one promise where an async
    // wrapper awaiting the store is two (each also runs the AsyncLocalStorage hooks).
    push(key, item, pushOptions = {}) {
      if (!isAccepting)
        return Promise.reject(
          new BotkeelError('DRAINING', 'The debouncer is stopping and accepts no new items'),
        );
      if (pushOptions.signal?.aborted === true) return Promise.reject(new AbortedError());
      let stored: Promise<PushResult>;
      try {
        const text = codec.encode(item);
        stored = withSpan(SpanNames.debouncePush, noAttributes, () =>
          store.push(key, text, window, clock.now(), pushOptions.id),
        );
      } catch (error) {
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- what encode threw, unchanged, as before
        return Promise.reject(error);
      }
      pushes.add(stored);
      return stored.then(
        (result) => {
          pushes.delete(stored);
          if (result.dueAtMs <= clock.now()) void pump();
          else arm(result.dueAtMs);
          return result;
        },
        (error: unknown) => {
          pushes.delete(stored);
          throw error;
        },
      );
    },
    start() {
      if (phase === 'running') return;
      if (phase !== 'idle') throw new BotkeelError('DRAINING', 'A stopped debouncer cannot be started again');
      phase = 'running';
      void pump();
    },
    stop(stopOptions = {}) {
      isAccepting = false;
      stopping ??= stopWith(stopOptions);
      return stopping;
    },
  };
}
