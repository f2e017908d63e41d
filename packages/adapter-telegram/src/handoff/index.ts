export {
  createTelegramHandoff,
  type TelegramHandoff,
  type TelegramHandoffOptions,
} from './telegram-handoff.js';
