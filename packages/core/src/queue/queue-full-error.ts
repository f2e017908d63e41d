import { BotkeelError } from '../errors/botkeel-error.js';

/**
 * A key's queue already holds `maxQueuedPerKey` waiting tasks; the new one was not queued. Retryable later.
 *
 * @example
 * ```ts
 * try {
 *   await queue.run(chatId, task);
 * } catch (error) {
 *   if (BotkeelError.hasCode(error, 'QUEUE_FULL')) return { status: 'unavailable' };
 *   throw error;
 * }
 * ```
 */
export class QueueFullError extends BotkeelError {
  override readonly name = 'QueueFullError';
  /** The key whose queue is full. */
  readonly key: string;
  /** The bound that was reached. */
  readonly maxQueuedPerKey: number;
  constructor(key: string, maxQueuedPerKey: number) {
    super('QUEUE_FULL', `The queue of key "${key}" already holds ${maxQueuedPerKey} waiting tasks`, {
      retryable: true,
    });
    this.key = key;
    this.maxQueuedPerKey = maxQueuedPerKey;
  }
}
