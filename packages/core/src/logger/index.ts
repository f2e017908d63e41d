export { type Logger, type LogLevel, type LogMethod, silentLogger } from './logger.js';
export { createSafeLogger } from './safe-logger.js';
export { createJsonLogger, type JsonLoggerOptions } from './console-logger.js';
export { redact, redactText, REDACTED } from './redact.js';
