import {
  type ClaimDueOptions,
  type DebounceStore,
  type DebounceWindow,
  type FlushInfo,
  type Logger,
  StoreUnavailableError,
} from '@botkeel/core';
import { type ManualClock } from '@botkeel/core/testing';

/** A store wrapper whose instance can "crash": from then on every call rejects, like a dead process. */
export interface CrashableStore extends DebounceStore {
  crash(): void;
  /** Makes calls work again (a store outage that ends). */
  recover(): void;
  readonly isCrashed: boolean;
}

export function crashable(inner: DebounceStore): CrashableStore {
  let isCrashed = false;
  const guard = <T>(call: () => Promise<T>): Promise<T> =>
    isCrashed ? Promise.reject(new StoreUnavailableError('memory', 'instance crashed')) : call();
  return {
    push: (key: string, item: string, window: DebounceWindow, nowMs: number) =>
      guard(() => inner.push(key, item, window, nowMs)),
    claimDue: (options: ClaimDueOptions) => guard(() => inner.claimDue(options)),
    ack: (key: string, batchId: string) => guard(() => inner.ack(key, batchId)),
    extendLease: (key: string, batchId: string, leaseMs: number, nowMs: number) =>
      guard(() => inner.extendLease(key, batchId, leaseMs, nowMs)),
    nextDueAt: () => guard(() => inner.nextDueAt()),
    crash() {
      isCrashed = true;
    },
    recover() {
      isCrashed = false;
    },
    get isCrashed() {
      return isCrashed;
    },
  };
}

/** Resolves after `ms` of manual-clock time. */
export function sleep(clock: ManualClock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimeout(resolve, ms);
  });
}

/** One recorded onFlush call. */
export interface Delivery {
  readonly instance: string;
  readonly key: string;
  readonly items: string[];
  readonly batchId: string;
  readonly deliveries: number;
  readonly startedAtMs: number;
  endedAtMs?: number;
}

/** A promise with its resolve/reject exposed. */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Records every delivery into `log`, then runs `body`. */
export function recording(
  log: Delivery[],
  clock: ManualClock,
  instance: string,
  body: (delivery: Delivery, info: FlushInfo) => Promise<void> | void = () => undefined,
) {
  return async (key: string, items: string[], info: FlushInfo): Promise<void> => {
    const delivery: Delivery = {
      instance,
      key,
      items,
      batchId: info.batchId,
      deliveries: info.deliveries,
      startedAtMs: clock.now(),
    };
    log.push(delivery);
    await body(delivery, info);
    delivery.endedAtMs = clock.now();
  };
}

/** One captured log line. */
export interface LogLine {
  readonly level: string;
  readonly fields: Record<string, unknown>;
  readonly message: string | undefined;
}

/** A pino-shaped logger that keeps every line in `lines`. */
export function capturingLogger(lines: LogLine[]): Logger {
  const method =
    (level: string) =>
    (first: object | string, message?: string): void => {
      if (typeof first === 'string') lines.push({ level, fields: {}, message: first });
      else lines.push({ level, fields: first as Record<string, unknown>, message });
    };
  const logger: Logger = {
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    fatal: method('fatal'),
    child: () => logger,
  };
  return logger;
}
