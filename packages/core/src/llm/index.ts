export {
  type LlmRole,
  type LlmTextPart,
  type LlmImagePart,
  type LlmContentPart,
  type LlmMessage,
  type LlmRequest,
  type LlmUsage,
  type LlmCompletion,
  type LlmStreamChunk,
  type LlmProvider,
  type LlmResponse,
  type LlmStreamEvent,
} from './llm-types.js';
export { LlmExhaustedError, type LlmAttempt, type LlmAttemptOutcome } from './llm-attempt.js';
export {
  type LlmRouterOptions,
  type LlmRetryOptions,
  type LlmFallback,
  type LlmCallOptions,
} from './llm-router-options.js';
export { createLlmRouter, type LlmRouter } from './llm-router.js';
export { type LlmUsageEntry } from './usage-ledger.js';
