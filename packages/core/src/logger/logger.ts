/** Log severities, from the most verbose to the most severe (pino's names). */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';

/** One logging method: pino's `(object, message)` or `(message)` call shapes. */
export interface LogMethod {
  (object: object, message?: string): void;
  (message: string): void;
}

/**
 * The subset of pino's API Botkeel logs through, so a pino logger can be passed as it is.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const bot = createBot({ logger: pino(), ... });
 * ```
 */
export interface Logger {
  trace: LogMethod;
  debug: LogMethod;
  info: LogMethod;
  warn: LogMethod;
  error: LogMethod;
  fatal: LogMethod;
  /** A logger whose lines all carry `bindings`. */
  child(bindings: Record<string, unknown>): Logger;
  /** When present (pino has it), lets Botkeel skip building lines nobody reads. */
  isLevelEnabled?(level: LogLevel): boolean;
}

const ignore: LogMethod = () => undefined;

/**
 * A logger that drops everything: the default wherever a `logger` option is omitted.
 *
 * @example
 * ```ts
 * const limiter = createRateLimiter({ rules, chain, logger: silentLogger });
 * ```
 */
export const silentLogger: Logger = {
  trace: ignore,
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  fatal: ignore,
  child: () => silentLogger,
  isLevelEnabled: () => false,
};
