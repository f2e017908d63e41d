import { type Counter, type Histogram } from '@opentelemetry/api';
import { type Clock } from '../clock/clock.js';
import { type Logger } from '../logger/logger.js';
import { withSpan } from '../telemetry/instruments.js';
import { SpanNames } from '../telemetry/names.js';
import { type DebounceBatch, type DebounceStore } from './debounce-store.js';
import { type AbortListener } from '../lock/abort-source.js';
import { type DeadLetterInfo, type DebounceCodec, type DebouncerOptions } from './debouncer-options.js';
import { type LeaseKeeper } from './lease-keeper.js';

/**
 * The `FlushInfo` (and `DeadLetterInfo`) of one delivery: its abort side is the lease's, read through
 * it so no AbortSignal is created unless the handler asks for `signal`. Methods on the prototype: one
 * object per batch, no closures.
 */
class BatchInfo implements DeadLetterInfo {
  readonly batchId: string;
  readonly deliveries: number;
  readonly dueAtMs: number;
  readonly error: unknown;
  readonly #lease: LeaseKeeper;

  constructor(batch: DebounceBatch, lease: LeaseKeeper, error: unknown) {
    this.batchId = batch.batchId;
    this.deliveries = batch.deliveries;
    this.dueAtMs = batch.dueAtMs;
    this.error = error;
    this.#lease = lease;
  }

  get signal(): AbortSignal {
    return this.#lease.signal;
  }

  get isAborted(): boolean {
    return this.#lease.isAborted;
  }

  get reason(): unknown {
    return this.#lease.reason;
  }

  addAbortListener(listener: AbortListener): void {
    this.#lease.addAbortListener(listener);
  }

  removeAbortListener(listener: AbortListener): void {
    this.#lease.removeAbortListener(listener);
  }
}

/** Everything {@link deliverBatch} needs from its debouncer. */
export interface DeliveryContext<Item> {
  readonly store: DebounceStore;
  readonly clock: Clock;
  readonly log: Logger;
  readonly codec: DebounceCodec<Item>;
  readonly onFlush: DebouncerOptions<Item>['onFlush'];
  readonly onDeadLetter: DebouncerOptions<Item>['onDeadLetter'];
  readonly maxDeliveries: number;
  readonly retryDelayMs: number;
  readonly maxRetryDelayMs: number;
  readonly flushes: Counter;
  readonly flushLag: Histogram;
}

const settledVoid: Promise<void> = Promise.resolve();

/** `value` as a promise: the same promise when it is one, one shared resolved promise for `undefined`. */
function asPromise(value: Promise<void> | void): Promise<void> {
  return value === undefined ? settledVoid : Promise.resolve(value);
}

/** Wait before delivery `deliveries + 1` of a batch that failed: exponential, capped. */
export function retryDelayFor(deliveries: number, retryDelayMs: number, maxRetryDelayMs: number): number {
  return Math.min(maxRetryDelayMs, retryDelayMs * 2 ** Math.min(30, Math.max(0, deliveries - 1)));
}

/**
 * Delivers one claimed batch: `onFlush` with the decoded items, then `ack`. A failure shortens the
 * lease to the retry delay so the batch comes back (same `batchId`); after `maxDeliveries` the batch
 * is dead-lettered. Never throws: every outcome is logged and counted. Stops `lease` renewing
 * before it resolves.
 *
 * @param onHandled - called once the handler's work is over and only the `ack` remains (the
 *   debouncer frees the batch's concurrency slot then; the ack needs no slot)
 */
export async function deliverBatch<Item>(
  batch: DebounceBatch,
  lease: LeaseKeeper,
  context: DeliveryContext<Item>,
  onHandled?: () => void,
): Promise<void> {
  try {
    const { store, clock, log } = context;
    const info = new BatchInfo(batch, lease, undefined);
    if (batch.deliveries > context.maxDeliveries) {
      await deadLetter(batch, lease, undefined, context, onHandled);
      return;
    }
    // Lag of first deliveries only: a redelivery is late on purpose (retry delay, expired lease).
    if (batch.deliveries === 1) context.flushLag.record(Math.max(0, clock.now() - batch.dueAtMs));
    try {
      const items = batch.items.map((text) => context.codec.decode(text));
      const attributes = {
        'botkeel.debounce.items': items.length,
        'botkeel.debounce.deliveries': batch.deliveries,
        'botkeel.debounce.batch_id': batch.batchId,
      };
      // The handler's own promise is the span's: no async wrapper (and its promise) per batch.
      await withSpan(SpanNames.debounceFlush, attributes, () =>
        asPromise(context.onFlush(batch.key, items, info)),
      );
    } catch (error) {
      lease.stop();
      context.flushes.add(1, { outcome: 'failed' });
      if (batch.deliveries >= context.maxDeliveries) {
        await deadLetter(batch, lease, error, context, onHandled);
        return;
      }
      const retryInMs = retryDelayFor(batch.deliveries, context.retryDelayMs, context.maxRetryDelayMs);
      log.warn(
        { err: error, key: batch.key, batchId: batch.batchId, deliveries: batch.deliveries, retryInMs },
        'debounce flush failed; the batch will be delivered again',
      );
      await store
        .extendLease(batch.key, batch.batchId, retryInMs, clock.now())
        .catch((renewError: unknown) => {
          log.warn(
            { err: renewError, key: batch.key, batchId: batch.batchId },
            'could not schedule the retry; the lease runs out',
          );
        });
      return;
    }
    lease.stop();
    if (lease.isLost) {
      context.flushes.add(1, { outcome: 'lease-lost' });
      log.warn(
        { key: batch.key, batchId: batch.batchId },
        'debounce batch handled after its lease was lost; not acked',
      );
      return;
    }
    await acknowledge(batch, context, 'acked', onHandled);
  } finally {
    // Every path stops renewing the lease (idempotent): acked, retried, dead-lettered or lost.
    lease.stop();
  }
}

/** Never rejects: a failed ack is logged and counted. A `.then`, not an async wrapper: one per batch. */
function acknowledge<Item>(
  batch: DebounceBatch,
  context: DeliveryContext<Item>,
  outcome: string,
  onHandled: (() => void) | undefined,
): Promise<void> {
  onHandled?.();
  const onFailed = (error: unknown): void => {
    context.flushes.add(1, { outcome: 'ack-failed' });
    context.log.error(
      { err: error, key: batch.key, batchId: batch.batchId },
      'debounce ack failed; the batch will be delivered again after its lease',
    );
  };
  let acked: Promise<void>;
  try {
    acked = context.store.ack(batch.key, batch.batchId);
  } catch (error) {
    onFailed(error);
    return settledVoid;
  }
  return acked.then(() => {
    context.flushes.add(1, { outcome });
  }, onFailed);
}

async function deadLetter<Item>(
  batch: DebounceBatch,
  lease: LeaseKeeper,
  error: unknown,
  context: DeliveryContext<Item>,
  onHandled: (() => void) | undefined,
): Promise<void> {
  const { log } = context;
  const fields = { key: batch.key, batchId: batch.batchId, deliveries: batch.deliveries, err: error };
  if (context.onDeadLetter === undefined) {
    log.error({ ...fields, items: batch.items }, 'debounce batch dead-lettered after too many deliveries');
  } else {
    try {
      await context.onDeadLetter(batch.key, batch.items, new BatchInfo(batch, lease, error));
      log.warn(fields, 'debounce batch dead-lettered after too many deliveries');
    } catch (hookError) {
      log.error({ ...fields, hookError }, 'onDeadLetter failed; the batch stays in the store');
      const retryInMs = context.maxRetryDelayMs;
      await context.store
        .extendLease(batch.key, batch.batchId, retryInMs, context.clock.now())
        .catch(() => false);
      return;
    }
  }
  await acknowledge(batch, context, 'dead-lettered', onHandled);
}
