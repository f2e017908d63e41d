import { type Clock } from '../clock/clock.js';
import { systemClock } from '../clock/system-clock.js';
import { type Logger } from '../logger/logger.js';
import { createSafeLogger } from '../logger/safe-logger.js';
import { MetricNames } from '../telemetry/names.js';
import { botkeelMeter } from '../telemetry/instruments.js';

/** Something to close at shutdown: a pool, a client, a server, a background loop. */
export type CloseFn = (signal: AbortSignal) => Promise<void> | void;

/** Options of {@link Lifecycle.register}. */
export interface RegisterOptions {
  /** This resource's own budget; it never gets more than what is left of the shutdown deadline. */
  timeoutMs?: number;
}

/** What {@link Lifecycle.shutdown} did, resource by resource, in the order it closed them. */
export interface ShutdownReport {
  /** Closed within their budget. */
  readonly closed: readonly string[];
  /** Still closing when their budget ran out (their `signal` was aborted). */
  readonly timedOut: readonly string[];
  /** Threw or rejected while closing. */
  readonly failed: readonly { readonly name: string; readonly error: unknown }[];
  /** Time the whole shutdown took, by the lifecycle's clock. */
  readonly elapsedMs: number;
}

/** A registry of resources closed in reverse order of registration, within a deadline. */
export interface Lifecycle {
  /** Registers `close` under `name`; returns a function that unregisters it. */
  register(name: string, close: CloseFn, options?: RegisterOptions): () => void;
  /**
   * Closes every registered resource, last registered first, each bounded by its own `timeoutMs`
   * and by what is left of `deadlineMs`. A resource that outlives its budget is reported in
   * `timedOut` and the next one starts. Calling it again returns the same report.
   */
  shutdown(options: { deadlineMs: number }): Promise<ShutdownReport>;
  /** True once `shutdown` was called. */
  readonly isShuttingDown: boolean;
}

/** Options of {@link createLifecycle}. */
export interface LifecycleOptions {
  clock?: Clock;
  logger?: Logger;
}

interface Registration {
  readonly name: string;
  readonly close: CloseFn;
  readonly timeoutMs: number | undefined;
}

type Outcome = { kind: 'closed' } | { kind: 'timed-out' } | { kind: 'failed'; error: unknown };

/**
 * Creates a lifecycle registry: resources register a `close()`, `shutdown({ deadlineMs })` closes
 * them in reverse order, each bounded, and reports what did not close in time.
 *
 * @example
 * ```ts
 * const lifecycle = createLifecycle();
 * lifecycle.register('postgres', () => pool.end());
 * lifecycle.register('http', () => new Promise((done) => server.close(() => done())));
 * process.once('SIGTERM', () => void lifecycle.shutdown({ deadlineMs: 10_000 }));
 * ```
 */
export function createLifecycle(options: LifecycleOptions = {}): Lifecycle {
  const clock = options.clock ?? systemClock;
  const log = createSafeLogger(options.logger);
  const unclosed = botkeelMeter().createCounter(MetricNames.shutdownUnclosed, {
    description: 'Resources that did not close before the shutdown deadline',
  });
  const registrations: Registration[] = [];
  let report: Promise<ShutdownReport> | undefined;

  const closeOne = (registration: Registration, budgetMs: number): Promise<Outcome> => {
    const controller = new AbortController();
    return new Promise<Outcome>((resolve) => {
      const timer = clock.setTimeout(() => {
        controller.abort();
        resolve({ kind: 'timed-out' });
      }, budgetMs);
      const finish = (outcome: Outcome) => {
        clock.clearTimeout(timer);
        resolve(outcome);
      };
      try {
        Promise.resolve(registration.close(controller.signal)).then(
          () => finish({ kind: 'closed' }),
          (error: unknown) => finish({ kind: 'failed', error }),
        );
      } catch (error) {
        finish({ kind: 'failed', error });
      }
    });
  };

  const run = async (deadlineMs: number): Promise<ShutdownReport> => {
    const startedAt = clock.now();
    const deadline = startedAt + deadlineMs;
    const closed: string[] = [];
    const timedOut: string[] = [];
    const failed: { name: string; error: unknown }[] = [];
    for (const registration of registrations.toReversed()) {
      const left = Math.max(0, deadline - clock.now());
      const budget = Math.min(left, registration.timeoutMs ?? left);
      const outcome = await closeOne(registration, budget);
      if (outcome.kind === 'closed') closed.push(registration.name);
      else if (outcome.kind === 'timed-out') {
        timedOut.push(registration.name);
        unclosed.add(1, { resource: registration.name });
        log.warn({ resource: registration.name, budgetMs: budget }, 'resource did not close in time');
      } else {
        failed.push({ name: registration.name, error: outcome.error });
        log.error({ resource: registration.name, err: outcome.error }, 'resource failed to close');
      }
    }
    return { closed, timedOut, failed, elapsedMs: clock.now() - startedAt };
  };

  return {
    register(name, close, registerOptions = {}) {
      const registration: Registration = { name, close, timeoutMs: registerOptions.timeoutMs };
      registrations.push(registration);
      return () => {
        const index = registrations.indexOf(registration);
        if (index >= 0) registrations.splice(index, 1);
      };
    },
    shutdown({ deadlineMs }) {
      report ??= run(deadlineMs);
      return report;
    },
    get isShuttingDown() {
      return report !== undefined;
    },
  };
}
