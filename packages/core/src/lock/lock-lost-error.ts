import { BotkeelError, type BotkeelErrorOptions } from '../errors/botkeel-error.js';

/**
 * A lock lease was lost (renewal refused or failed until it expired) while its owner still worked.
 * The work may or may not have happened; the checkpoint compare-and-swap decides what was stored.
 *
 * @example
 * ```ts
 * const outcome = await chatLock.run(chatId, turn).catch((error: unknown) => {
 *   if (error instanceof LockLostError) return 'redeliver';
 *   throw error;
 * });
 * ```
 */
export class LockLostError extends BotkeelError {
  override readonly name = 'LockLostError';
  /** The lock key that was lost. */
  readonly key: string;
  /** The fencing token of the lost lease. */
  readonly fencingToken: number;
  constructor(key: string, fencingToken: number, options: BotkeelErrorOptions = {}) {
    super(
      'LOCK_LOST',
      `The lock "${key}" (fencing token ${fencingToken}) was lost before the work finished`,
      {
        ...options,
        retryable: true,
      },
    );
    this.key = key;
    this.fencingToken = fencingToken;
  }
}
