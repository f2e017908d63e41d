import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { processUniqueId } from './process-unique-id.js';

/** What Botkeel knows about the update being processed; carried by every log line and span. */
export interface BotContext {
  /** W3C-compatible 32-hex-digit trace id, one per update. */
  readonly traceId: string;
  readonly chatId?: string;
  readonly userId?: string;
  readonly updateId?: string;
}

const storage = new AsyncLocalStorage<BotContext>();

/** A fresh trace id (32 lowercase hex digits: a random per-process prefix and a counter). */
export function newTraceId(): string {
  return processUniqueId();
}

/**
 * Runs `fn` with `context` merged over the current one (a new `traceId` when neither has one).
 * The context follows `await`, timers and callbacks started inside `fn`.
 *
 * @example
 * ```ts
 * await runWithContext({ chatId: '42', updateId: '1001' }, () => bot.handle(message));
 * ```
 */
export function runWithContext<T>(context: Partial<BotContext>, fn: () => T): T {
  const parent = storage.getStore();
  const merged: BotContext = {
    ...parent,
    ...context,
    traceId: context.traceId ?? parent?.traceId ?? newTraceId(),
  };
  return storage.run(merged, fn);
}

/**
 * The context of the update being processed, or `undefined` outside of one.
 *
 * @example
 * ```ts
 * const traceId = currentContext()?.traceId;
 * ```
 */
export function currentContext(): BotContext | undefined {
  return storage.getStore();
}

/**
 * Binds `fn` to the current context, for callbacks that an emitter or pool will call later from
 * somewhere else (an `EventEmitter` listener registered now, a pooled connection callback).
 *
 * @example
 * ```ts
 * runWithContext({ chatId: '42' }, () => socket.on('data', bindContext(onData)));
 * ```
 */
export function bindContext<Args extends unknown[], Result>(
  fn: (...args: Args) => Result,
): (...args: Args) => Result {
  return AsyncResource.bind(fn);
}
