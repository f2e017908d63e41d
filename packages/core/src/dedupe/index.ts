export {
  type DedupeStore,
  type ClaimResult,
  type ClaimOptions,
  type CompleteOptions,
} from './dedupe-store.js';
