export {
  createKeyedQueue,
  type KeyedQueue,
  type KeyedQueueOptions,
  type KeyedQueueRunOptions,
  type KeyedTask,
} from './keyed-queue.js';
export { QueueFullError } from './queue-full-error.js';
export {
  createChatLock,
  type ChatLock,
  type ChatLockOptions,
  type ChatLockRunOptions,
  type ChatTurnContext,
} from './chat-lock.js';
