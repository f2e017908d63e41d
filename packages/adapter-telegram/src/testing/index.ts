/**
 * The testing kit of the Telegram adapter: a local Bot API simulator with injectable faults.
 *
 * @packageDocumentation
 * @module @botkeel/adapter-telegram/testing
 */
export { startTelegramSimulator } from './telegram-simulator.js';
export { checkParseMode } from './parse-mode-check.js';
export {
  type TelegramSimulator,
  type TelegramSimulatorOptions,
  type SimulatorCall,
  type SimulatedMessage,
  type SimulatedFile,
  type FaultRule,
} from './simulator-types.js';
