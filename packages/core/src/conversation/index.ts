export { type CheckpointStore, type Checkpoint, type SaveCheckpointOptions } from './checkpoint-store.js';
export { MemoryCheckpointStore, type MemoryCheckpointStoreOptions } from './memory-checkpoint-store.js';
export {
  withEscalation,
  type EscalateEvent,
  type EscalationEmitted,
  type EscalationOptions,
} from './escalation.js';
export { type SnapshotMigrations } from './migrations.js';
export { createConversation } from './conversation.js';
export {
  type Conversation,
  type ConversationOptions,
  type ConversationEvent,
  type ConversationReply,
  type ConversationEscalation,
  type TurnOptions,
  type TurnResult,
} from './conversation-types.js';
