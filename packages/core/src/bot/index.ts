export {
  type BotMessage,
  type Attachment,
  type Ack,
  type OutgoingMessage,
  type Channel,
  type Handoff,
  type HandoffRequest,
} from './bot-message.js';
