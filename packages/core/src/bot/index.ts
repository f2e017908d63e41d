export {
  type BotMessage,
  type Attachment,
  type Ack,
  type OutgoingMessage,
  type Channel,
  type Handoff,
  type HandoffRequest,
} from './bot-message.js';
export {
  type BotBatch,
  type BotTexts,
  type BotDebounceOptions,
  type CreateBotOptions,
} from './bot-options.js';
export { createBot, type Bot, type BotStopOptions } from './create-bot.js';
export { maxMessageTextLength } from './accept-message.js';
export { MemoryHandoffStateStore, type HandoffStateStore, type HandoffState } from './handoff-state-store.js';
