import {
  type Logger,
  MemoryRateLimitStore,
  type RateCheck,
  type RateLimitStore,
  type RateStoreDecision,
  StoreUnavailableError,
  type Clock,
} from '@botkeel/core';

/** A store whose behaviour a test switches: answer (through a memory store), throw, or hang. */
export class SwitchableStore implements RateLimitStore {
  mode: 'answer' | 'throw' | 'hang' = 'answer';
  calls = 0;
  private readonly inner: MemoryRateLimitStore;
  private readonly hanging: (() => void)[] = [];

  constructor(
    readonly name: string,
    clock: Clock,
  ) {
    this.inner = new MemoryRateLimitStore({ clock, name });
  }

  consume(checks: readonly RateCheck[], cost: number): Promise<RateStoreDecision> {
    this.calls += 1;
    if (this.mode === 'throw')
      return Promise.reject(new StoreUnavailableError(this.name, 'connection refused'));
    if (this.mode === 'hang') {
      return new Promise((_resolve, reject) => {
        this.hanging.push(() => reject(new StoreUnavailableError(this.name, 'released after the test')));
      });
    }
    return this.inner.consume(checks, cost);
  }

  /** Rejects every call still hanging (so nothing is left pending after a test). */
  releaseHanging(): void {
    for (const release of this.hanging.splice(0)) release();
  }
}

/** One captured log line. */
export interface LogLine {
  level: string;
  message: string;
  fields: Record<string, unknown>;
}

/** A Logger that keeps every line. */
export function capturingLogger(lines: LogLine[]): Logger {
  const method =
    (level: string) =>
    (first: object | string, message?: string): void => {
      if (typeof first === 'string') lines.push({ level, message: first, fields: {} });
      else lines.push({ level, message: message ?? '', fields: first as Record<string, unknown> });
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
