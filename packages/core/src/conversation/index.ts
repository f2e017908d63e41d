export { type CheckpointStore, type Checkpoint, type SaveCheckpointOptions } from './checkpoint-store.js';
