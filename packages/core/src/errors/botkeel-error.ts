import { redactText } from '../logger/redact.js';
import { type ErrorCode } from './error-code.js';

const marker = Symbol.for('botkeel.error');

/** Options every {@link BotkeelError} accepts besides its code and message. */
export interface BotkeelErrorOptions {
  /** The underlying error, kept for debugging (never shown to end users). */
  cause?: unknown;
  /** Whether repeating the same call later may succeed. Defaults by code. */
  retryable?: boolean;
}

const retryableByDefault: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'STORE_UNAVAILABLE',
  'TIMEOUT',
  'CIRCUIT_OPEN',
  'PROVIDER_ERROR',
  'BULKHEAD_FULL',
  'RATE_LIMITED',
  'LOCK_LOST',
  'VERSION_CONFLICT',
]);

/**
 * The one base class of every error Botkeel throws. It has a stable {@link ErrorCode}, an optional
 * `cause`, and a `retryable` flag. Its message is redacted of secrets at construction.
 *
 * @example
 * ```ts
 * try {
 *   await store.save('chat-1', snapshot, { expectedVersion: 3, machineVersion: 1 });
 * } catch (error) {
 *   if (BotkeelError.isInstance(error) && error.code === 'VERSION_CONFLICT') {
 *     // somebody else saved first: reload and replay
 *   }
 * }
 * ```
 */
export class BotkeelError extends Error {
  override readonly name: string = 'BotkeelError';
  /** The stable code to branch on. */
  readonly code: ErrorCode;
  /** Whether repeating the same call later may succeed. */
  readonly retryable: boolean;
  private readonly [marker] = true;

  constructor(code: ErrorCode, message: string, options: BotkeelErrorOptions = {}) {
    super(redactText(message), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? retryableByDefault.has(code);
  }

  /**
   * True for any Botkeel error, even one thrown by another installed copy of the package
   * (where `instanceof` would say false).
   */
  static isInstance(value: unknown): value is BotkeelError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }

  /** True when `value` is a Botkeel error with the given code. */
  static hasCode(value: unknown, code: ErrorCode): value is BotkeelError {
    return BotkeelError.isInstance(value) && value.code === code;
  }
}
