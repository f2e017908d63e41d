import { BotkeelError, type BotkeelErrorOptions } from './botkeel-error.js';

/** A store did not answer or refused the command. Always retryable. */
export class StoreUnavailableError extends BotkeelError {
  override readonly name = 'StoreUnavailableError';
  /** The store that failed, e.g. `'redis'` or `'postgres'`. */
  readonly store: string;
  constructor(store: string, message: string, options: BotkeelErrorOptions = {}) {
    super('STORE_UNAVAILABLE', message, { ...options, retryable: true });
    this.store = store;
  }
}

/** A compare-and-swap save lost the race. */
export class VersionConflictError extends BotkeelError {
  override readonly name = 'VersionConflictError';
  /** The version the caller expected to replace. */
  readonly expectedVersion: number;
  /** The version found in the store, when known. */
  readonly actualVersion: number | undefined;
  constructor(threadId: string, expectedVersion: number, actualVersion?: number) {
    super(
      'VERSION_CONFLICT',
      `Checkpoint of thread "${threadId}" is at version ${actualVersion ?? 'unknown'}, expected ${expectedVersion}`,
    );
    this.expectedVersion = expectedVersion;
    this.actualVersion = actualVersion;
  }
}

/** The operation ran out of time. */
export class TimeoutError extends BotkeelError {
  override readonly name = 'TimeoutError';
  /** The time budget that ran out. */
  readonly timeoutMs: number;
  constructor(message: string, timeoutMs: number, options: BotkeelErrorOptions = {}) {
    super('TIMEOUT', message, { ...options, retryable: options.retryable ?? true });
    this.timeoutMs = timeoutMs;
  }
}

/** The caller aborted the operation. Never retried. */
export class AbortedError extends BotkeelError {
  override readonly name = 'AbortedError';
  constructor(message = 'The operation was aborted', options: BotkeelErrorOptions = {}) {
    super('ABORTED', message, { ...options, retryable: false });
  }
}

/** Options passed to a factory failed validation; the message names the field. */
export class InvalidOptionsError extends BotkeelError {
  override readonly name = 'InvalidOptionsError';
  constructor(message: string, options: BotkeelErrorOptions = {}) {
    super('INVALID_OPTIONS', message, { ...options, retryable: false });
  }
}
