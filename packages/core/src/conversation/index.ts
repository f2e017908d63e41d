export { type CheckpointStore, type Checkpoint, type SaveCheckpointOptions } from './checkpoint-store.js';
export { MemoryCheckpointStore, type MemoryCheckpointStoreOptions } from './memory-checkpoint-store.js';
