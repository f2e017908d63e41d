export {
  createTelegramHandoff,
  type TelegramHandoff,
  type TelegramHandoffOptions,
} from './telegram-handoff.js';
export { MemoryHandoffStateStore, type HandoffStateStore, type HandoffState } from './handoff-state-store.js';
