export {
  type DebounceStore,
  type DebounceWindow,
  type DebounceBatch,
  type ClaimDueOptions,
} from './debounce-store.js';
export { MemoryDebounceStore } from './memory-debounce-store.js';
