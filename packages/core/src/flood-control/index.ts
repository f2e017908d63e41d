export {
  type FloodBudget,
  type FloodLimits,
  type ChatKind,
  type FloodRequest,
  type FloodDecision,
  type FloodScope,
  type FloodControl,
  defaultFloodLimits,
} from './flood-control.js';
export {
  MemoryFloodControl,
  resolveFloodLimits,
  type MemoryFloodControlOptions,
} from './memory-flood-control.js';
