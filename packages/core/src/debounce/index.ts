export {
  type DebounceStore,
  type DebounceWindow,
  type DebounceBatch,
  type ClaimDueOptions,
} from './debounce-store.js';
export { MemoryDebounceStore } from './memory-debounce-store.js';
export { createDebouncer } from './debouncer.js';
export { type Debouncer, type DebouncerStopOptions, type PushResult } from './debouncer-types.js';
export {
  jsonCodec,
  type DebouncerOptions,
  type DebounceCodec,
  type FlushInfo,
  type DeadLetterInfo,
} from './debouncer-options.js';
