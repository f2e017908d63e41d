export {
  type DedupeStore,
  type ClaimResult,
  type ClaimOptions,
  type CompleteOptions,
} from './dedupe-store.js';
export { MemoryDedupeStore, type MemoryDedupeStoreOptions } from './memory-dedupe-store.js';
