import { BotkeelError } from '../errors/botkeel-error.js';

/** How one step of a routed call ended. */
export type LlmAttemptOutcome =
  | 'success'
  | 'failure'
  | 'invalid-output'
  | 'timeout'
  | 'aborted'
  | 'skipped-circuit-open'
  | 'skipped-cooldown';

/** One step of a routed call: a provider call, or a provider skipped without a call. */
export interface LlmAttempt {
  provider: string;
  /** 1-based call number on this provider within the routed call (0 for a skip). */
  attempt: number;
  outcome: LlmAttemptOutcome;
  /** The model that answered, when known. */
  model?: string;
  /** The error code, for a failure. */
  errorCode?: string;
  /** A short, secret-free description of the failure. */
  message?: string;
  /** How long the call took (0 for a skip). */
  latencyMs: number;
  /** True for a structured-output repair call. */
  isRepair?: boolean;
  /** True when this call was started by hedging. */
  isHedge?: boolean;
}

function describe(attempt: LlmAttempt): string {
  const label = attempt.attempt === 0 ? attempt.provider : `${attempt.provider}#${attempt.attempt}`;
  const detail =
    attempt.message === undefined ? '' : ` (${attempt.errorCode ?? 'error'}: ${attempt.message})`;
  return `${label} ${attempt.outcome}${detail}`;
}

/**
 * Every provider failed (or was skipped) and no fallback reply was configured. `attempts` lists
 * each step, and the message names them.
 *
 * @example
 * ```ts
 * if (error instanceof LlmExhaustedError) for (const step of error.attempts) console.log(step.provider, step.outcome);
 * ```
 */
export class LlmExhaustedError extends BotkeelError {
  override readonly name = 'LlmExhaustedError';
  /** Every step of the routed call, in order. */
  readonly attempts: readonly LlmAttempt[];

  constructor(attempts: readonly LlmAttempt[], cause?: unknown) {
    const list = attempts.length === 0 ? 'no provider was tried' : attempts.map(describe).join('; ');
    super('LLM_EXHAUSTED', `Every LLM provider failed: ${list}`, { cause, retryable: true });
    this.attempts = attempts;
  }
}
