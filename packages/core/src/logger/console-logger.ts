import { type LogLevel, type LogMethod, type Logger } from './logger.js';

const severity: Record<LogLevel, number> = { trace: 10, debug: 20, info: 30, warn: 40, error: 50, fatal: 60 };

/** Options of {@link createJsonLogger}. */
export interface JsonLoggerOptions {
  /** The least severe level written. Default `'info'`. */
  level?: LogLevel;
  /** Where lines go. Default: `process.stdout`. */
  write?: (line: string) => void;
  /** Milliseconds since the epoch for the `time` field. Default `Date.now`. */
  now?: () => number;
}

/**
 * A dependency-free logger writing one JSON object per line (pino's shape: `level`, `time`, `msg`,
 * fields), for examples and scripts that do not bring pino. Wrap it with {@link createSafeLogger}
 * (Botkeel's primitives do) to get redaction and context.
 *
 * @example
 * ```ts
 * const logger = createJsonLogger({ level: 'debug' });
 * logger.info({ port: 3000 }, 'listening');
 * ```
 */
export function createJsonLogger(
  options: JsonLoggerOptions = {},
  bindings: Record<string, unknown> = {},
): Logger {
  const minimum = severity[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const now = options.now ?? (() => new Date().getTime());
  const method =
    (level: LogLevel): LogMethod =>
    (first: object | string, message?: string) => {
      if (severity[level] < minimum) return;
      const fields = typeof first === 'string' ? {} : first;
      const msg = typeof first === 'string' ? first : message;
      const line = {
        level: severity[level],
        time: now(),
        ...bindings,
        ...fields,
        ...(msg === undefined ? {} : { msg }),
      };
      write(`${JSON.stringify(line)}\n`);
    };
  return {
    trace: method('trace'),
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    fatal: method('fatal'),
    child: (more) => createJsonLogger(options, { ...bindings, ...more }),
    isLevelEnabled: (level) => severity[level] >= minimum,
  };
}
