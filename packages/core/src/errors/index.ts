export { type ErrorCode } from './error-code.js';
export { BotkeelError, type BotkeelErrorOptions } from './botkeel-error.js';
export {
  StoreUnavailableError,
  VersionConflictError,
  TimeoutError,
  AbortedError,
  InvalidOptionsError,
} from './subclasses.js';
export { parseOptions } from './parse-options.js';
