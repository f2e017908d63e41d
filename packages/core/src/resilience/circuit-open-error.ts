import { BotkeelError } from '../errors/botkeel-error.js';

/**
 * Thrown by a circuit breaker that refuses a call because it is open (or half-open with every
 * probe slot taken). The call was not attempted. `retryAfterMs` says when the breaker will next
 * let a probe through, so `retry` waits that long instead of hammering.
 *
 * @example
 * ```ts
 * if (error instanceof CircuitOpenError) console.log(`${error.breaker} open for ${error.retryAfterMs} ms`);
 * ```
 */
export class CircuitOpenError extends BotkeelError {
  override readonly name = 'CircuitOpenError';
  /** The name of the breaker that refused. */
  readonly breaker: string;
  /** How long until the breaker lets a probe through (0 when probes are merely busy). */
  readonly retryAfterMs: number;
  /** A refused call says nothing about the provider, so it never counts as a fault. */
  readonly isProviderFault = false;

  constructor(breaker: string, retryAfterMs: number) {
    super('CIRCUIT_OPEN', `Circuit "${breaker}" is open`, { retryable: true });
    this.breaker = breaker;
    this.retryAfterMs = retryAfterMs;
  }
}
