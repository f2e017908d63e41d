/**
 * Botkeel core: the ports (interfaces) every store and adapter implements, their in-memory
 * implementations, and the primitives a bot is assembled from.
 *
 * @packageDocumentation
 * @module @botkeel/core
 */
export * from './errors/index.js';
export * from './clock/index.js';
export * from './logger/index.js';
export * from './context/index.js';
export * from './telemetry/index.js';
export * from './lifecycle/index.js';
export * from './resilience/index.js';
export * from './llm/index.js';
export * from './dedupe/index.js';
export * from './ratelimit/index.js';
export * from './idempotency/index.js';
export * from './sanitizer/index.js';
export * from './security/index.js';
export * from './lock/index.js';
export * from './debounce/index.js';
export * from './conversation/index.js';
export * from './bot/index.js';
export * from './flood-control/index.js';
export * from './queue/index.js';
