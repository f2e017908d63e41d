/**
 * Botkeel's testing kit: a manual clock, scripted providers with injectable faults, fake servers
 * that speak the real APIs, and one conformance suite per port that every store implementation runs.
 *
 * @packageDocumentation
 * @module @botkeel/core/testing
 */
export { createManualClock, type ManualClock } from '../clock/manual-clock.js';
export {
  dedupeStoreConformance,
  type StoreConformanceOptions,
  type StoreFactory,
  type StoreFactoryContext,
} from '../dedupe/dedupe-store-conformance.js';
export {
  floodControlConformance,
  type FloodControlConformanceContext,
  type MakeFloodControl,
} from '../flood-control/flood-control-conformance.js';
export { rateLimitStoreConformance } from '../ratelimit/rate-limit-store-conformance.js';
export {
  debounceStoreConformance,
  type DebounceStoreConformanceOptions,
} from '../debounce/debounce-store-conformance.js';
export { idempotencyStoreConformance } from '../idempotency/idempotency-store-conformance.js';
export {
  checkpointStoreConformance,
  type CheckpointStoreConformanceOptions,
  type CheckpointStoreFactory,
  type CheckpointStoreFactoryContext,
} from '../conversation/checkpoint-store-conformance.js';
export {
  lockStoreConformance,
  type LockStoreConformanceOptions,
  type LockStoreFactory,
  type LockStoreFactoryContext,
} from '../lock/lock-store-conformance.js';
export {
  breakerStateStoreConformance,
  type BreakerStateStoreConformanceOptions,
} from '../resilience/breaker-state-store-conformance.js';
export {
  createScriptedProvider,
  type ScriptedProvider,
  type ScriptedProviderOptions,
  type ScriptStep,
  type ScriptedCall,
} from '../llm/scripted-provider.js';
export {
  startFakeOpenAI,
  type FakeOpenAIServer,
  type FakeOpenAIOptions,
  type FakeOpenAIStep,
  type FakeOpenAIRequest,
} from '../openai/fake-openai-server.js';
