import { AbortedError, BotkeelError, StoreUnavailableError, type Clock } from '@botkeel/core';
import { type RedisClient } from '../redis-client.js';

/**
 * Runs store commands with a bounded time and one error vocabulary: anything that means "Redis is
 * not answering" (connection refused or closed, offline queue off, command timeout, `LOADING`,
 * `CLUSTERDOWN`, …) becomes a {@link StoreUnavailableError}; a failing script becomes `INTERNAL`.
 */
export class RedisExecutor {
  private readonly ownTimeoutMs: number | undefined;

  constructor(
    readonly client: RedisClient,
    private readonly clock: Clock,
    commandTimeoutMs: number | undefined,
  ) {
    // When the client already bounds every command (`commandTimeout`), no second timer is needed.
    this.ownTimeoutMs = commandTimeoutMs ?? (clientCommandTimeout(client) === undefined ? 2_000 : undefined);
  }

  /** Runs `command` unless `signal` is aborted; rejects with `STORE_UNAVAILABLE` past the timeout. */
  run<T>(operation: string, command: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (signal?.aborted === true) {
      return Promise.reject(new AbortedError(`redis ${operation} was aborted`, { cause: signal.reason }));
    }
    if (this.client.status === 'end') {
      return Promise.reject(
        new StoreUnavailableError('redis', `redis ${operation} failed: the client was closed`),
      );
    }
    const timeoutMs = this.ownTimeoutMs;
    if (timeoutMs !== undefined || signal !== undefined) {
      return this.runBounded(operation, command, timeoutMs, signal);
    }
    // The client bounds the command itself: no timer, no extra promise layer on this hot path.
    let pending: Promise<T>;
    try {
      pending = command();
    } catch (error) {
      return Promise.reject(toBotkeelError(operation, error));
    }
    return pending.catch((error: unknown) => {
      throw toBotkeelError(operation, error);
    });
  }

  private runBounded<T>(
    operation: string,
    command: () => Promise<T>,
    timeoutMs: number | undefined,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let isSettled = false;
      const settle = (finish: () => void): void => {
        if (isSettled) return;
        isSettled = true;
        this.clock.clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        finish();
      };
      const onAbort = (): void => {
        settle(() => reject(new AbortedError(`redis ${operation} was aborted`, { cause: signal?.reason })));
      };
      const timer =
        timeoutMs === undefined
          ? undefined
          : this.clock.setTimeout(
              () =>
                settle(() =>
                  reject(
                    new StoreUnavailableError(
                      'redis',
                      `redis ${operation} did not answer within ${timeoutMs} ms`,
                    ),
                  ),
                ),
              timeoutMs,
              { unref: true },
            );
      signal?.addEventListener('abort', onAbort, { once: true });
      let pending: Promise<T>;
      try {
        pending = command();
      } catch (error) {
        settle(() => reject(toBotkeelError(operation, error)));
        return;
      }
      pending.then(
        (value) => settle(() => resolve(value)),
        (error: unknown) => settle(() => reject(toBotkeelError(operation, error))),
      );
    });
  }
}

function clientCommandTimeout(client: RedisClient): number | undefined {
  const options = client.options as { commandTimeout?: number; redisOptions?: { commandTimeout?: number } };
  return options.commandTimeout ?? options.redisOptions?.commandTimeout;
}

/** Maps an ioredis failure to a Botkeel error; never puts more than the Redis message in it. */
export function toBotkeelError(operation: string, error: unknown): BotkeelError {
  if (BotkeelError.isInstance(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  const isReplyError = error instanceof Error && error.name === 'ReplyError';
  if (isReplyError && /^ERR (user_script|Error (running|compiling) script)/.test(message)) {
    return new BotkeelError('INTERNAL', `redis ${operation}: script failed: ${message}`, { cause: error });
  }
  if (isReplyError && message.startsWith('CROSSSLOT')) {
    return new BotkeelError('INTERNAL', `redis ${operation}: keys in different slots: ${message}`, {
      cause: error,
    });
  }
  return new StoreUnavailableError('redis', `redis ${operation} failed: ${message}`, { cause: error });
}
