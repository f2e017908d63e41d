import { currentContext } from '../context/context.js';
import { type LogLevel, type LogMethod, type Logger, silentLogger } from './logger.js';
import { redact, redactText } from './redact.js';

const levels: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'];
const safe = Symbol.for('botkeel.safe-logger');

type SafeLogger = Logger & { readonly [safe]: true };

function isSafe(logger: Logger): logger is SafeLogger {
  return (logger as Partial<SafeLogger>)[safe] === true;
}

function safeMethod(target: Logger, level: LogLevel): LogMethod {
  return (first: object | string, message?: string): void => {
    if (target.isLevelEnabled?.(level) === false) return;
    const context = currentContext();
    if (typeof first === 'string') {
      if (context === undefined) target[level](redactText(first));
      else target[level]({ ...context }, redactText(first));
      return;
    }
    const fields = redact(first instanceof Error ? { err: first } : first) as Record<string, unknown>;
    const line = context === undefined ? fields : { ...context, ...fields };
    if (message === undefined) target[level](line);
    else target[level](line, redactText(message));
  };
}

/**
 * Wraps any pino-compatible logger so that every line goes through Botkeel's one redaction step
 * (bot tokens, API keys, connection passwords, credential headers) and carries the current
 * context (`traceId`, `chatId`, `userId`, `updateId`). Wrapping twice returns the same logger.
 * Every Botkeel primitive logs through this.
 *
 * @example
 * ```ts
 * const log = createSafeLogger(pino());
 * log.error({ url: 'https://api.telegram.org/bot123:ABC…/sendMessage' }, 'send failed'); // token redacted
 * ```
 */
export function createSafeLogger(logger: Logger = silentLogger): Logger {
  if (isSafe(logger) || logger === silentLogger) return logger;
  const wrapped = {
    [safe]: true as const,
    child: (bindings: Record<string, unknown>) =>
      createSafeLogger(logger.child(redact(bindings) as Record<string, unknown>)),
    isLevelEnabled: (level: LogLevel) => logger.isLevelEnabled?.(level) ?? true,
  } as SafeLogger & Record<LogLevel, LogMethod>;
  for (const level of levels) wrapped[level] = safeMethod(logger, level);
  return wrapped;
}
