export {
  type DebounceStore,
  type DebounceWindow,
  type DebounceBatch,
  type ClaimDueOptions,
} from './debounce-store.js';
